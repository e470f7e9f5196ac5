using Gossip.LoadGen.Chaos;
using Xunit.Abstractions;

namespace Gossip.LoadGen.Tests.Chaos;

/// <summary>The fixed chaos budget CI runs on every change: a few hundred random fault schedules, no violation.</summary>
public sealed class ChaosBudgetTests(ITestOutputHelper output)
{
    /// <summary>Seeds CI runs (about 10-20 s on the 2-core CI machine); the documented soak runs thousands.</summary>
    public const int CiSeeds = 300;

    [Fact]
    public void FixedBudget_OfRandomFaultSchedules_BreaksNoInvariant()
    {
        ChaosOutcome[] outcomes = ChaosCampaign.Run(1, CiSeeds);

        long nodeRounds = 0, checks = 0;
        var failures = new List<string>();
        foreach (ChaosOutcome outcome in outcomes)
        {
            nodeRounds += outcome.NodeRounds;
            checks += outcome.Checks;
            if (outcome.Failed)
            {
                failures.Add($"seed {outcome.Seed}: {outcome.Violations[0]} (replay: chaos --replay {outcome.Seed} --log run.log)");
            }
        }

        output.WriteLine($"{CiSeeds} seeds, {nodeRounds:N0} node-rounds, {checks:N0} invariant checks");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.True(checks > CiSeeds * 10L, "the invariants were hardly checked");
    }

    [Fact]
    public void Schedules_OfTheBudget_DrawEveryFaultKind()
    {
        var drawn = new HashSet<FaultKind>();
        for (ulong seed = 1; seed <= 200; seed++)
        {
            foreach (ChaosFault fault in ScheduleDrawer.Draw(seed).Faults)
            {
                drawn.Add(fault.Kind);
            }
        }

        Assert.Equal(Enum.GetValues<FaultKind>().Length, drawn.Count);
    }
}
