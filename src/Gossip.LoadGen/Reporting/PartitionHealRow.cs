namespace Gossip.LoadGen.Reporting;

/// <summary>
/// One half/half partition of <c>faults</c> (simulation, virtual time): how long it lasted and how long the cluster took to
/// be one again after it healed, over several trials that heal at different phases of the nodes' round-aligned timers.
/// </summary>
internal sealed record PartitionHealRow
{
    /// <summary>Nodes, split into two halves.</summary>
    public required int Nodes { get; init; }

    /// <summary>Rounds the two halves could not reach each other.</summary>
    public required int PartitionRounds { get; init; }

    /// <summary>The same in virtual seconds.</summary>
    public required double PartitionSeconds { get; init; }

    /// <summary>Whether in every trial each half had noticed the other was gone (node 0 saw at most half the cluster alive) when the network healed.</summary>
    public required bool SidesSplit { get; init; }

    /// <summary>
    /// Per trial, rounds after the heal until every node saw every node alive, all member tables agreed and both sides'
    /// state was everywhere (Infinity: not within <see cref="LimitRounds"/>).
    /// </summary>
    public required IReadOnlyList<double> HealRounds { get; init; }

    /// <summary>Median of <see cref="HealRounds"/> (nearest rank).</summary>
    public required double HealP50Rounds { get; init; }

    /// <summary>Slowest trial, rounds.</summary>
    public required double HealMaxRounds { get; init; }

    /// <summary><see cref="HealMaxRounds"/> in virtual seconds.</summary>
    public required double HealMaxSeconds { get; init; }

    /// <summary>The most rounds waited after each heal.</summary>
    public required int LimitRounds { get; init; }

    /// <summary>Wall-clock seconds all trials took to simulate, on this machine (cost, not a protocol figure).</summary>
    public required double WallSeconds { get; init; }
}
