using Gossip.Engine.Runtime;

namespace Gossip.Engine.Simulation;

/// <summary>How the nodes of a <see cref="SimulatedCluster"/> first learn of each other.</summary>
public enum ClusterBootstrap
{
    /// <summary>Every node starts knowing every other (tests of spread and detection; O(n^2) memory).</summary>
    FullMembership,
    /// <summary>Every node starts knowing <see cref="SimulatedClusterOptions.ViewSize"/> random others (very large clusters).</summary>
    RandomViews,
    /// <summary>Node 0 starts alone; every other node joins through it by the protocol itself.</summary>
    JoinThroughFirst,
}

/// <summary>Shape of a <see cref="SimulatedCluster"/>.</summary>
public sealed class SimulatedClusterOptions
{
    /// <summary>Number of nodes. Default 16.</summary>
    public int Nodes { get; init; } = 16;

    /// <summary>Seed of every random choice in the run. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>How members first learn of each other. Default <see cref="ClusterBootstrap.FullMembership"/>.</summary>
    public ClusterBootstrap Bootstrap { get; init; } = ClusterBootstrap.FullMembership;

    /// <summary>Members each node starts with under <see cref="ClusterBootstrap.RandomViews"/>; set <see cref="GossipOptions.MaxMembers"/> to match. Default 64.</summary>
    public int ViewSize { get; init; } = 64;

    /// <summary>Adjusts every node's options (id and generation are set by the cluster).</summary>
    public Action<GossipOptions>? Configure { get; init; }

    /// <summary>Safety rules switched off in every node (mutation tests of the chaos runner only).</summary>
    internal ProtocolMutation Mutations { get; init; }

    /// <summary>
    /// Nodes sleep through their quiet rounds as on the real clock (not ticked until a round has work, the skipped ones
    /// run when they next wake): a run with it must trace exactly as one without (tests).
    /// </summary>
    internal bool SleepQuietRounds { get; init; }

    /// <summary>Network faults and delays; null uses the defaults (no loss, 1-5 ms delay).</summary>
    public SimulatedNetworkOptions? Network { get; init; }
}
