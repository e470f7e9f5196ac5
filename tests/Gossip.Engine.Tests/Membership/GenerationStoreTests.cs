using Gossip.Engine.Membership;
using Gossip.Engine.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Gossip.Engine.Tests.Membership;

public sealed class GenerationStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("gossip-generation-").FullName;

    private string File => Path.Combine(_directory, "generation");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Choose_WithoutAFile_IsTheUnixTimeInSeconds()
    {
        Assert.Equal((uint)Now.ToUnixTimeSeconds(), GenerationStore.Choose(new GossipOptions(), new FakeTimeProvider(Now)));
    }

    [Theory]
    [InlineData(-5)] // behind the clock: the clock
    [InlineData(0)] // at or ahead of it: one more
    [InlineData(3)]
    public void Next_WhileRunning_IsTheClockOrOneMore(int offset)
    {
        uint clock = (uint)Now.ToUnixTimeSeconds();
        uint current = (uint)(clock + offset);

        Assert.Equal(offset < 0 ? clock : current + 1, GenerationStore.Next(new FakeTimeProvider(Now), current));
    }

    [Fact]
    public void TryStore_AGenerationStartedWhileRunning_IsWhereTheNextRestartGoesOn()
    {
        var options = new GossipOptions { GenerationFile = File, AllowPlaintext = true };
        var clock = new FakeTimeProvider(Now);
        uint started = GenerationStore.Choose(options, clock);
        uint renewed = GenerationStore.Next(clock, started);

        GenerationStore.TryStore(options, renewed);

        Assert.Equal(renewed + 1, GenerationStore.Choose(options, clock));
    }

    [Fact]
    public void TryStore_WithAnExplicitGenerationOrAnUnwritablePath_WritesNothingAndDoesNotThrow()
    {
        GenerationStore.TryStore(new GossipOptions { Generation = 7, GenerationFile = File }, 8);
        Assert.False(System.IO.File.Exists(File));

        GenerationStore.TryStore(new GossipOptions { GenerationFile = Path.Combine(_directory, "missing", "generation") }, 8);
    }

    [Theory]
    [InlineData(0.5, false)]
    [InlineData(1, true)]
    [InlineData(3_600, true)]
    [InlineData(30 * 86_400, true)]
    [InlineData(30 * 86_400 + 1, false)]
    public void Validate_MaxClockSkew_IsBetweenOneSecondAndThirtyDays(double seconds, bool valid)
    {
        var options = new GossipOptions { MaxClockSkew = TimeSpan.FromSeconds(seconds), AllowPlaintext = true };

        Exception? error = Record.Exception(options.Validate);

        Assert.Equal(valid, error is null);
    }

    [Fact]
    public void Choose_ExplicitGeneration_WinsAndLeavesTheFileAlone()
    {
        Assert.Equal(7u, GenerationStore.Choose(new GossipOptions { Generation = 7, GenerationFile = File }, new FakeTimeProvider(Now)));
        Assert.False(System.IO.File.Exists(File));
    }

    [Fact]
    public void Choose_RestartInTheSameSecond_TakesAHigherGeneration()
    {
        var options = new GossipOptions { GenerationFile = File, AllowPlaintext = true };
        var clock = new FakeTimeProvider(Now);

        uint first = GenerationStore.Choose(options, clock);
        uint second = GenerationStore.Choose(options, clock);

        Assert.Equal((uint)Now.ToUnixTimeSeconds(), first);
        Assert.Equal(first + 1, second);
        Assert.Equal(second.ToString(System.Globalization.CultureInfo.InvariantCulture), System.IO.File.ReadAllText(File));
    }

    [Fact]
    public void Choose_AfterTheClockSteppedBack_StillTakesAHigherGeneration()
    {
        var options = new GossipOptions { GenerationFile = File, AllowPlaintext = true };
        uint first = GenerationStore.Choose(options, new FakeTimeProvider(Now));

        uint second = GenerationStore.Choose(options, new FakeTimeProvider(Now.AddHours(-1)));

        Assert.Equal(first + 1, second);
    }

    [Fact]
    public void Choose_FileHoldingNoNumber_FallsBackToTheClockAndRepairsIt()
    {
        System.IO.File.WriteAllText(File, "not a generation");

        uint generation = GenerationStore.Choose(new GossipOptions { GenerationFile = File, AllowPlaintext = true }, new FakeTimeProvider(Now));

        Assert.Equal((uint)Now.ToUnixTimeSeconds(), generation);
        Assert.Equal(generation.ToString(System.Globalization.CultureInfo.InvariantCulture), System.IO.File.ReadAllText(File));
    }

    [Fact]
    public void Node_RestartedWithinTheSameSecond_SupersedesItsOldSelf()
    {
        var network = new SimulatedNetwork(1);
        var clock = new FakeTimeProvider(Now);
        var services = new GossipNodeServices { SingleThreaded = true, Time = clock, Random = new SeededRandom(1) };
        using var before = new GossipNode(new GossipOptions { GenerationFile = File, AllowPlaintext = true }, network.CreateTransport(), services);
        using var after = new GossipNode(new GossipOptions { GenerationFile = File, AllowPlaintext = true }, network.CreateTransport(), services);

        Assert.True(after.Generation > before.Generation);
    }
}
