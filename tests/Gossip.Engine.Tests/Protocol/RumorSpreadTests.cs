using Gossip.Engine.Simulation;
using Xunit.Abstractions;

namespace Gossip.Engine.Tests.Protocol;

public sealed class RumorSpreadTests(ITestOutputHelper output)
{
    public static TheoryData<int, int, DisseminationMode> Cases()
    {
        var data = new TheoryData<int, int, DisseminationMode>();
        foreach (int n in new[] { 128, 1_000, 10_000 })
        {
            foreach (int fanout in new[] { 1, 3 })
            {
                foreach (DisseminationMode mode in new[] { DisseminationMode.Push, DisseminationMode.Pull, DisseminationMode.PushPull })
                {
                    data.Add(n, fanout, mode);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Spread_MedianRounds_WithinTwoOfIdealModel(int n, int fanout, DisseminationMode mode)
    {
        const int Seeds = 3;
        int[] measured = new int[Seeds];
        for (int s = 0; s < Seeds; s++)
        {
            measured[s] = RoundsToSpread(n, fanout, mode, (ulong)(s + 1));
        }

        Array.Sort(measured);
        int median = measured[Seeds / 2];
        int ideal = SynchronousSpreadModel.MedianRounds(n, fanout, mode, 5);
        output.WriteLine($"n={n} fanout={fanout} mode={mode}: measured {string.Join(",", measured)} (median {median}), ideal {ideal}");
        Assert.True(median >= 0, "the rumor did not reach every node");
        Assert.InRange(median, 1, ideal + 2);
    }

    [Fact]
    public void EagerPush_ReachesMostNodesInMilliseconds_AndAllWithinOneRound()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 128, Seed = 7 });
        cluster.RunRounds(2);
        RumorId id = cluster.Nodes[0].Broadcast([1, 2, 3]);

        // One forward per node on first receipt (fanout 3) leaves about e^-3 of the nodes uninformed...
        cluster.Network.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.InRange(cluster.CountHaving(id), 128 * 85 / 100, 128);

        // ...which the next round's pushes reach.
        cluster.RunRound();
        Assert.True(cluster.AllLiveHave(id));
    }

    [Fact]
    public void ClusterFormedByJoining_RumorReachesEveryNode_IncludingTheLastToJoin()
    {
        // Idle nodes sit on the peer order they drew while the cluster formed; late joiners must be in it too.
        // Before new members were slotted into the current pass, 8 of these 500 never got the rumor.
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 500, Seed = 3, Bootstrap = ClusterBootstrap.JoinThroughFirst });
        Assert.InRange(cluster.RunUntil(c => c.Nodes.All(x => x.LiveMemberCount == 500), 200), 1, 200);
        cluster.RunRounds(30);

        RumorId id = cluster.Nodes[7].Broadcast("late joiners too"u8);
        int rounds = cluster.RunUntil(c => c.AllLiveHave(id), 30);

        output.WriteLine($"rounds to reach all 500: {rounds}");
        Assert.InRange(rounds, 0, 3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5_000)]
    public void PartialViews_RetransmitBudgetSizedByClusterSizeHint(int hint)
    {
        // 5,000 nodes that each keep 17 members: budgeted by the view (4 * log10(17) = 8 sends) a rumor misses a few
        // nodes; budgeted by the cluster (4 * log10(5,000) = 16) it reaches every one.
        using SimulatedCluster cluster = PartialViewCluster.Create(5_000, view: 16, seed: 11, sizeHint: hint);
        cluster.RunRounds(5);
        RumorId id = cluster.Nodes[0].Broadcast("to all 5,000"u8);
        cluster.RunRounds(40);

        int having = cluster.CountHaving(id);
        output.WriteLine($"hint {hint}: {having} of 5000 have the rumor");
        if (hint == 0)
        {
            Assert.InRange(having, 4_900, 4_999);
        }
        else
        {
            Assert.Equal(5_000, having);
        }
    }

    [Fact]
    public void Rumor_IsRetiredAfterBudget_AndClusterGoesQuiet()
    {
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions { Nodes = 64, Seed = 3 });
        RumorId id = cluster.Nodes[5].Broadcast([9]);
        cluster.RunRounds(40);
        Assert.True(cluster.AllLiveHave(id));
        long before = cluster.Network.DatagramsSent;
        cluster.RunRounds(10);
        long perRound = (cluster.Network.DatagramsSent - before) / 10;

        // Quiet cluster: only failure-detector probes (one ping + one ack per node every ProbeEveryRounds rounds).
        Assert.InRange(perRound, 1, 64 * 2 / 5 + 8);
    }

    private static int RoundsToSpread(int n, int fanout, DisseminationMode mode, ulong seed)
    {
        bool large = n > 2_000;
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = n,
            Seed = seed,
            Bootstrap = large ? ClusterBootstrap.RandomViews : ClusterBootstrap.FullMembership,
            ViewSize = 128,
            Configure = o =>
            {
                o.Fanout = fanout;
                o.Mode = mode;
                o.ApplySynchronousModel();
                o.MaxRumors = 8;
                o.ProbeEveryRounds = 1_000;
                o.ProbeTimeoutRounds = 2;
                o.MaxMembers = large ? 129 : o.MaxMembers;
            },
        });
        RumorId id = cluster.Nodes[0].Broadcast([42]);
        return cluster.RunUntil(c => c.AllLiveHave(id), 200);
    }
}
