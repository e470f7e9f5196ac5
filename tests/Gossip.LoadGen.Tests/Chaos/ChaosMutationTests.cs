using Gossip.Engine.Runtime;
using Gossip.LoadGen.Chaos;
using Xunit.Abstractions;

namespace Gossip.LoadGen.Tests.Chaos;

/// <summary>
/// Proof that the chaos runner can fail: with one safety rule switched off in every node (a test-only hook), it finds a
/// violation within a stated number of seeds, and shrinks the failure to a smaller schedule that still fails.
/// </summary>
public sealed class ChaosMutationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("no refutation", 100, Violation.NoFalseDeathWhenHealthy)]
    [InlineData("no reconnection", 30, Violation.Converged)]
    public void WithASafetyRuleOff_TheRunnerFindsAViolation_WithinTheStatedSeeds(string rule, int seeds, string invariant)
    {
        ProtocolMutation mutation = rule == "no refutation" ? ProtocolMutation.NoRefutation : ProtocolMutation.NoReconnection;
        ChaosOutcome[] outcomes = ChaosCampaign.Run(1, seeds, mutation);

        var broken = new List<ChaosOutcome>();
        foreach (ChaosOutcome outcome in outcomes)
        {
            if (outcome.Failed)
            {
                broken.Add(outcome);
            }
        }

        output.WriteLine($"{mutation}: {broken.Count} of {seeds} seeds break an invariant; first: seed {(broken.Count > 0 ? broken[0].Seed : 0)}");
        Assert.NotEmpty(broken);
        Assert.Contains(broken, o => o.Violations[0].Invariant == invariant);
    }

    [Fact]
    public void WithTheRulesOn_TheSameSeedsPass()
    {
        foreach (ChaosOutcome outcome in ChaosCampaign.Run(1, 30))
        {
            Assert.False(outcome.Failed, $"seed {outcome.Seed}: {string.Join("; ", outcome.Violations)}");
        }
    }

    [Fact]
    public void Shrinker_FindsASmallerScheduleThatStillBreaksTheSameInvariant()
    {
        ChaosSchedule failing = FirstFailing(ProtocolMutation.NoReconnection);
        ChaosOutcome original = ChaosCampaign.RunOne(failing, ProtocolMutation.NoReconnection);

        ShrinkResult shrunk = Shrinker.Shrink(failing, ProtocolMutation.NoReconnection, budget: 60);

        output.WriteLine($"from {failing.Faults.Count} faults / {failing.Nodes} nodes to {shrunk.Schedule.Faults.Count} / {shrunk.Schedule.Nodes} in {shrunk.Runs} runs:");
        output.WriteLine(shrunk.Schedule.Describe());
        Assert.True(shrunk.Outcome.Failed);
        Assert.Equal(original.Violations[0].Invariant, shrunk.Outcome.Violations[0].Invariant);
        Assert.True(
            shrunk.Schedule.Faults.Count < failing.Faults.Count || shrunk.Schedule.Nodes < failing.Nodes,
            "nothing was removed");
        Assert.InRange(shrunk.Runs, 2, 60);
        Assert.False(ChaosCampaign.RunOne(shrunk.Schedule).Failed, "the shrunk schedule fails only because of the mutation");
    }

    private static ChaosSchedule FirstFailing(ProtocolMutation mutation)
    {
        for (ulong seed = 1; seed < 200; seed++)
        {
            ChaosSchedule schedule = ScheduleDrawer.Draw(seed);
            if (ChaosCampaign.RunOne(schedule, mutation).Failed)
            {
                return schedule;
            }
        }

        throw new InvalidOperationException("no failing seed below 200");
    }
}
