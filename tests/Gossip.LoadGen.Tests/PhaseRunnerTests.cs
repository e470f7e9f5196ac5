using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;
using Gossip.LoadGen.Tests.Fakes;

namespace Gossip.LoadGen.Tests;

public sealed class PhaseRunnerTests
{
    [Fact]
    public void RunUntil_ChecksFirst_ThenAfterEveryPoll_AndRecordsThePhase()
    {
        var cluster = new FakeCluster(4) { ConvergedAt = TimeSpan.FromSeconds(1) };
        var runner = new PhaseRunner(cluster, Progress.Silent, TimeSpan.FromMilliseconds(300));

        bool done = runner.RunUntil("warm-up", () => cluster.ConvergedCount() == 4, TimeSpan.FromSeconds(5));

        Assert.True(done);
        Assert.Equal([Ms(300), Ms(300), Ms(300), Ms(300)], cluster.Waits);
        Assert.Equal(new PhaseRecord("warm-up", 0, 1.2, true), runner.Phases.Single());
    }

    [Fact]
    public void RunUntil_AlreadyTrue_DoesNotWait()
    {
        var cluster = new FakeCluster(4) { ConvergedAt = TimeSpan.Zero };
        var runner = new PhaseRunner(cluster, Progress.Silent, TimeSpan.FromMilliseconds(300));

        Assert.True(runner.RunUntil("warm-up", () => cluster.ConvergedCount() == 4, TimeSpan.FromSeconds(5)));
        Assert.Empty(cluster.Waits);
        Assert.Equal(0, runner.Phases.Single().Seconds);
    }

    [Fact]
    public void RunUntil_TimesOut_WithoutOvershooting()
    {
        var cluster = new FakeCluster(4) { ConvergedAt = TimeSpan.MaxValue };
        var runner = new PhaseRunner(cluster, Progress.Silent, TimeSpan.FromMilliseconds(300));

        bool done = runner.RunUntil("warm-up", () => cluster.ConvergedCount() == 4, TimeSpan.FromSeconds(1));

        Assert.False(done);
        Assert.Equal([Ms(300), Ms(300), Ms(300), Ms(100)], cluster.Waits);
        Assert.Equal(new PhaseRecord("warm-up", 0, 1.0, false), runner.Phases.Single());
    }

    [Fact]
    public void Phases_FollowEachOther_OnTheScenarioClock()
    {
        var cluster = new FakeCluster(4);
        var runner = new PhaseRunner(cluster, Progress.Silent, TimeSpan.FromMilliseconds(300));

        runner.RunFor("one", TimeSpan.FromSeconds(1));
        int value = runner.Run("instant", () => 42);
        runner.RunFor("two", TimeSpan.FromMilliseconds(600));

        Assert.Equal(42, value);
        Assert.Equal(
            [new PhaseRecord("one", 0, 1.0, true), new PhaseRecord("instant", 1.0, 0, true), new PhaseRecord("two", 1.0, 0.6, true)],
            runner.Phases);
        Assert.Equal([Ms(300), Ms(300), Ms(300), Ms(100), Ms(300), Ms(300)], cluster.Waits);
    }

    [Fact]
    public void Progress_ShowsPhaseElapsedConvergedAndDatagramsPerSecond()
    {
        // Each 200 ms round the fake sends 5 datagrams (node 0 two, the others one each): 25 datagrams/s.
        var cluster = new FakeCluster(4, falsePositive: false) { ConvergedAt = TimeSpan.FromMilliseconds(400) };
        var text = new StringWriter();
        var runner = new PhaseRunner(cluster, new Progress(text), TimeSpan.FromMilliseconds(200));

        runner.RunFor("steady", TimeSpan.FromMilliseconds(400));

        string[] updates = text.ToString().Split('\r');
        Assert.Equal("steady", updates[0]);
        Assert.Equal("steady:    0.2 s, converged 0/4,        25 datagrams/s   ", updates[1]);
        Assert.Equal("steady:    0.4 s, converged 4/4,        25 datagrams/s   " + Environment.NewLine, updates[2]);
    }

    [Fact]
    public void Progress_IsSilent_WhenQuiet()
    {
        Assert.Same(Progress.Silent, Progress.ForConsole(quiet: true));
    }

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);
}
