namespace Gossip.Engine.FailureDetection;

/// <summary>
/// Lifeguard's local health multiplier: how much this node doubts its own timeliness. A node that is itself slow
/// (an overloaded host, a starved thread pool, a process running thousands of nodes) sees its probes time out and
/// hears itself suspected; without this it would turn its own slowness into false suspicions of healthy peers, whose
/// refutations and eager pushes load everyone further. Each sign of trouble raises the score by one, each probe
/// answered in time lowers it by one, and the probe interval and probe timeout stretch by (score + 1).
/// </summary>
internal sealed class LocalHealth
{
    private readonly int _max;

    /// <summary>A score that stays in [0, <paramref name="max"/>]; 0 turns the mechanism off.</summary>
    public LocalHealth(int max) => _max = max;

    /// <summary>0 when healthy, up to the configured maximum.</summary>
    public int Score { get; private set; }

    /// <summary>A probe got no answer, direct or indirect: either the target is down or we are too slow to hear it.</summary>
    public void ProbeFailed() => Score = Math.Min(_max, Score + 1);

    /// <summary>A peer suspected us while we were alive: the strongest sign that we are the slow one.</summary>
    public void Refuted() => Score = Math.Min(_max, Score + 1);

    /// <summary>A probe was answered in time.</summary>
    public void ProbeSucceeded() => Score = Math.Max(0, Score - 1);

    /// <summary>A number of rounds stretched by the current score.</summary>
    public int Scale(int rounds) => rounds * (Score + 1);
}
