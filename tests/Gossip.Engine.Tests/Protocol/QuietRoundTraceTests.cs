using Gossip.Engine.Simulation;
using static Gossip.Engine.Tests.Protocol.GoldenTraceTests;

namespace Gossip.Engine.Tests.Protocol;

/// <summary>
/// Sleeping through quiet rounds changes nothing a peer can see: every golden scenario, run with nodes that are ticked
/// only when a round has work (the skipped rounds run when they next wake), traces exactly as when every node is
/// ticked every round. A node that slept through a round in which it should have sent, raised an event or reached a
/// verdict would send it late, and move the hash.
/// </summary>
public sealed class QuietRoundTraceTests
{
    // Whether a scenario's nodes have quiet rounds at all: in ModesAndAggregation every node takes part in
    // aggregation, which sends every round, so none may sleep.
    public static TheoryData<string, bool> Scenarios => new()
    {
        { "FullViews", true },
        { "PartialViews", true },
        { "HeavyLoss", true },
        { "Partition", true },
        { "Churn", true },
        { "ModesAndAggregation", false },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void SleepingThroughQuietRounds_TracesAsTickingEveryRound(string scenario, bool quiet)
    {
        TraceRun ticked = Run(scenario, sleep: false);
        TraceRun slept = Run(scenario, sleep: true);

        Assert.Equal(0, ticked.RoundsSlept);
        Assert.Equal(ticked.Hash, slept.Hash);
        Assert.Equal(quiet, slept.RoundsSlept > 0);
        Assert.Equal(0, slept.SleptRoundsThatWorked);
    }

    [Fact]
    public void IdleCluster_SleepsThroughMostRounds()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 16, Seed = 21, SleepQuietRounds = true });
        cluster.RunRounds(50);
        long sleptBefore = cluster.RoundsSlept;
        cluster.RunRounds(200);

        // Idle, a node has work in the round of its probe (every 5th) and now and then in one more (the tombstone sweep
        // every 64th): 16 nodes x 200 rounds hold 16 x 40 rounds of work and a few more, so close to 4 in 5 are slept
        // (2,523 of 3,200 when written).
        long slept = cluster.RoundsSlept - sleptBefore;
        Assert.InRange(slept, 16 * 200 * 3 / 4, 16 * 200 * 4 / 5);
        Assert.Equal(0, cluster.SleptRoundsThatWorked);
        foreach (GossipNode node in cluster.Nodes)
        {
            Assert.Equal(16, node.LiveMemberCount);
        }
    }

    private static TraceRun Run(string scenario, bool sleep) => scenario switch
    {
        "FullViews" => FullViews(sleep),
        "PartialViews" => PartialViews(sleep),
        "HeavyLoss" => HeavyLoss(sleep),
        "Partition" => Partition(sleep),
        "Churn" => Churn(sleep),
        _ => ModesAndAggregation(sleep),
    };
}
