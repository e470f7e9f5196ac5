namespace Gossip.LoadGen.Chaos;

/// <summary>What one chaos run did and found. Everything here except <see cref="ElapsedMilliseconds"/> is a function of the schedule.</summary>
internal sealed class ChaosOutcome
{
    public required ulong Seed { get; init; }

    /// <summary>The network's trace hash at the end: same schedule, same hash, on any machine.</summary>
    public required ulong TraceHash { get; init; }

    public required int Rounds { get; init; }

    /// <summary>Sum over rounds of the nodes that ticked: the unit of simulation work.</summary>
    public required long NodeRounds { get; init; }

    /// <summary>Invariant checks made (each predicate evaluation counts once).</summary>
    public required long Checks { get; init; }

    /// <summary>Rounds of quiet until the cluster converged; -1 when it did not within the bound.</summary>
    public required int ConvergedAfterRounds { get; init; }

    /// <summary>Death declarations of live, unpaused nodes while faults were active or settling (allowed, counted).</summary>
    public required long FalseDeathsUnderFaults { get; init; }

    /// <summary>Suspicions raised, refuted or not.</summary>
    public required long Suspicions { get; init; }

    public required IReadOnlyList<Violation> Violations { get; init; }

    public double ElapsedMilliseconds { get; set; }

    public bool Failed => Violations.Count > 0;
}
