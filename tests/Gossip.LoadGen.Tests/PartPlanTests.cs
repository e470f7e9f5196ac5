using Gossip.LoadGen.Runner;
using Gossip.Wire;

namespace Gossip.LoadGen.Tests;

public sealed class PartPlanTests
{
    private static PartPlan Plan(string runId = "r", int parts = 4, int nodes = 32, int crashes = 20, int rumors = 10, ulong seed = 1) => new()
    {
        RunId = runId,
        Parts = parts,
        NodesPerPart = nodes,
        Seed = seed,
        Interval = TimeSpan.FromMilliseconds(200),
        Window = TimeSpan.FromSeconds(60),
        Rumors = rumors,
        RumorSpacing = TimeSpan.FromSeconds(2),
        Crashes = crashes,
        CrashSpacing = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public void IdOf_EveryNodeOfEveryPart_IsDistinctAndNotNone()
    {
        PartPlan plan = Plan(parts: 16, nodes: 125);
        var ids = new HashSet<NodeId>();
        for (int part = 0; part < plan.Parts; part++)
        {
            for (int index = 0; index < plan.NodesPerPart; index++)
            {
                NodeId id = plan.IdOf(part, index);
                Assert.NotEqual(NodeId.None, id);
                Assert.True(ids.Add(id), $"part {part} node {index} repeats an id");
            }
        }

        Assert.Equal(2_000, ids.Count);
    }

    [Fact]
    public void IdOf_SameRun_SameIdsInEveryProcess_OtherRun_OtherIds()
    {
        Assert.Equal(Plan("a").IdOf(2, 7), Plan("a", crashes: 3).IdOf(2, 7));
        Assert.NotEqual(Plan("a").IdOf(2, 7), Plan("b").IdOf(2, 7));
        Assert.Equal(Plan("a").IdOf(0, 0), Plan("a").CoordinatorId);
    }

    [Fact]
    public void RunHash_IsFnv1a_NotTheRandomizedStringHash()
    {
        // FNV-1a 64 of "" is its offset basis; of "a" (one UTF-16 unit 0x61) it is (basis ^ 0x61) * prime.
        Assert.Equal(0xCBF29CE484222325UL, PartPlan.RunHash(""));
        Assert.Equal(unchecked((0xCBF29CE484222325UL ^ 0x61) * 0x100000001B3UL), PartPlan.RunHash("a"));
    }

    [Fact]
    public void CrashPlan_DistinctVictims_NeverTheCoordinator_AtMostMaxCrashes()
    {
        PartPlan plan = Plan(parts: 4, nodes: 32, crashes: 20);
        IReadOnlyList<PlannedEvent> crashes = plan.CrashPlan;
        Assert.Equal(20, crashes.Count);
        var victims = new HashSet<int>();
        foreach (PlannedEvent c in crashes)
        {
            Assert.False(c.Part == 0 && c.Index == 0, "the coordinator crashed");
            Assert.InRange(c.Part, 0, 3);
            Assert.InRange(c.Index, 0, 31);
            Assert.True(victims.Add(c.GlobalIndex(plan.NodesPerPart)));
        }

        Assert.Equal(CrashSeries.MaxCrashes(8), Plan(parts: 2, nodes: 4, crashes: 20).CrashPlan.Count);
    }

    [Fact]
    public void Plan_IsTheSameInEveryProcess_AndDependsOnTheSeed()
    {
        Assert.Equal(Plan().CrashPlan, Plan().CrashPlan);
        Assert.Equal(Plan().RumorPlan, Plan().RumorPlan);
        Assert.NotEqual(Plan(seed: 1).CrashPlan, Plan(seed: 2).CrashPlan);
    }

    [Fact]
    public void Timetable_WindowThenRumorsThenCrashes_EvenlySpaced()
    {
        PartPlan plan = Plan(rumors: 3, crashes: 2);
        Assert.Equal([60_000.0, 62_000.0, 64_000.0], plan.RumorPlan.Select(r => r.Offset.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(66), plan.CrashesStart);
        Assert.Equal([66_000.0, 76_000.0], plan.CrashPlan.Select(c => c.Offset.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(86), plan.End);
        Assert.Equal(3, plan.RumorPlan.Select(r => r.GlobalIndex(plan.NodesPerPart)).Distinct().Count());
    }

    [Fact]
    public void StartAnnouncement_RoundTrips_AndNamesItsRun()
    {
        string announced = PartRun.FormatStart("run-7", 1_796_170_234_770);
        Assert.True(PartRun.TryParseStart(announced, "run-7", out double start));
        Assert.Equal(1_796_170_234_770, start);
        Assert.False(PartRun.TryParseStart(announced, "run-8", out _));
        Assert.False(PartRun.TryParseStart("run-7", "run-7", out _));
        Assert.False(PartRun.TryParseStart("run-7\nsoon", "run-7", out _));
    }
}
