namespace Gossip.LoadGen.Reporting;

/// <summary>One half/half partition of <c>faults</c> (simulation, virtual time): how long it lasted and how long the cluster took to be one again after it healed.</summary>
internal sealed record PartitionHealRow
{
    /// <summary>Nodes, split into two halves.</summary>
    public required int Nodes { get; init; }

    /// <summary>Rounds the two halves could not reach each other.</summary>
    public required int PartitionRounds { get; init; }

    /// <summary>The same in virtual seconds.</summary>
    public required double PartitionSeconds { get; init; }

    /// <summary>Whether each half had noticed the other was gone (node 0 saw at most half the cluster alive) when the network healed.</summary>
    public required bool SidesSplit { get; init; }

    /// <summary>Rounds after the heal until every node saw every node alive, all member tables agreed and both sides' state was everywhere (-1: not within <see cref="LimitRounds"/>).</summary>
    public required int HealRounds { get; init; }

    /// <summary><see cref="HealRounds"/> in virtual seconds (Infinity: never within the limit).</summary>
    public required double HealSeconds { get; init; }

    /// <summary>The most rounds waited after the heal.</summary>
    public required int LimitRounds { get; init; }

    /// <summary>Wall-clock seconds the whole case took to simulate, on this machine (cost, not a protocol figure).</summary>
    public required double WallSeconds { get; init; }
}
