using Gossip.Engine.Simulation;

namespace Gossip.Engine.Tests.Protocol;

/// <summary>Clusters too large for full views, built as LoadGen builds them: random bounded views.</summary>
internal static class PartialViewCluster
{
    /// <summary>
    /// <paramref name="nodes"/> nodes that each start knowing <paramref name="view"/> random others and keep at most that
    /// many, with retransmit budgets sized for <paramref name="sizeHint"/> (the whole cluster unless given).
    /// </summary>
    public static SimulatedCluster Create(int nodes, int view, ulong seed, int? sizeHint = null, bool sleepQuietRounds = false) => new(new SimulatedClusterOptions
    {
        Nodes = nodes,
        SleepQuietRounds = sleepQuietRounds,
        Seed = seed,
        Bootstrap = ClusterBootstrap.RandomViews,
        ViewSize = view,
        Configure = o =>
        {
            o.MaxMembers = view + 1;
            o.ClusterSizeHint = sizeHint ?? nodes;
        },
    });
}
