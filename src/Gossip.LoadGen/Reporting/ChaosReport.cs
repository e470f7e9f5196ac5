namespace Gossip.LoadGen.Reporting;

/// <summary>The JSON of a <c>chaos</c> campaign: budget, throughput, what the schedules exercised and every violation with its seed.</summary>
internal sealed class ChaosReport
{
    public required string CommandLine { get; init; }

    public required string Date { get; init; }

    public required ulong FirstSeed { get; init; }

    public required int Seeds { get; init; }

    public required int QuietBoundRounds { get; init; }

    public required int SettleRounds { get; init; }

    public required long NodeRounds { get; init; }

    public required long InvariantChecks { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required double NodeRoundsPerSecond { get; init; }

    public required double SeedsPerMinute { get; init; }

    public required long FalseDeathsUnderFaults { get; init; }

    public required int ConvergedP50Rounds { get; init; }

    public required int ConvergedMaxRounds { get; init; }

    public required IReadOnlyDictionary<string, int> FaultsDrawn { get; init; }

    public required IReadOnlyList<ChaosFailure> Failures { get; init; }
}

/// <summary>One failing seed: the first invariant it broke, and the command that replays it.</summary>
internal sealed record ChaosFailure(ulong Seed, string Invariant, int Round, string Detail, string Replay, string Schedule);
