namespace Gossip.Engine.FailureDetection;

/// <summary>
/// Lifeguard's local health multiplier: how much this node doubts its own timeliness. A node that is itself slow
/// (an overloaded host, a starved thread pool, a process running thousands of nodes, a stop-the-world pause) sees its
/// probes time out and hears itself suspected; without this it would turn its own slowness into false suspicions of
/// healthy peers, whose refutations and eager pushes load everyone further. Each sign of trouble raises the score by
/// one, each probe answered in time lowers it by one, and the probe interval and probe timeout stretch by
/// (score + 1). The signs: a probe that failed; a probe that failed with no nack from any helper either (nobody's
/// answer got through to us, so the fault is most likely ours); a suspicion of us while we were alive; a round that
/// started more than an interval late (our scheduler could not keep up); and frames still waiting in our mailbox when
/// a round starts (we could not keep up with what we receive, so the acks we wait for may be among them).
/// </summary>
internal sealed class LocalHealth
{
    /// <summary>Frames still queued at the start of a round that count as a backlog (fewer may just have raced in).</summary>
    public const int BacklogFrames = 32;

    private readonly int _max;
    private long _lastRoundTimestamp;

    /// <summary>A score that stays in [0, <paramref name="max"/>]; 0 turns the mechanism off.</summary>
    public LocalHealth(int max) => _max = max;

    /// <summary>0 when healthy, up to the configured maximum.</summary>
    public int Score { get; private set; }

    /// <summary>A probe got no answer, direct or indirect: either the target is down or we are too slow to hear it.</summary>
    public void ProbeFailed() => Raise();

    /// <summary>A failed probe's helpers were asked, and not one of them said it was still trying (a nack).</summary>
    public void NoNackHeard() => Raise();

    /// <summary>A peer suspected us while we were alive: the strongest sign that we are the slow one.</summary>
    public void Refuted() => Raise();

    /// <summary>A probe was answered in time.</summary>
    public void ProbeSucceeded() => Score = Math.Max(0, Score - 1);

    /// <summary>
    /// A round starts at <paramref name="timestamp"/> (ticks of the node's time provider) with
    /// <paramref name="backlog"/> frames waiting: raises the score when the round is more than one
    /// <paramref name="intervalTicks"/> late (the gap since the previous one exceeds two intervals) or the backlog
    /// reaches <see cref="BacklogFrames"/>, once for either.
    /// </summary>
    public void OnRoundStart(long timestamp, long intervalTicks, int backlog)
    {
        bool late = _lastRoundTimestamp != 0 && timestamp - _lastRoundTimestamp > 2 * intervalTicks;
        _lastRoundTimestamp = timestamp;
        if (late || backlog >= BacklogFrames)
        {
            Raise();
        }
    }

    /// <summary>A number of rounds stretched by the current score.</summary>
    public int Scale(int rounds) => rounds * (Score + 1);

    private void Raise() => Score = Math.Min(_max, Score + 1);
}
