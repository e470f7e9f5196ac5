using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using static Gossip.Hosting.Tests.HostTestSupport;

namespace Gossip.Hosting.Tests;

/// <summary>The stable event ids that docs/operations.md lists, as a hosted node logs them.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task HostedNode_LogsStartJoinAndLeave_WithTheirStableEventIds()
    {
        var seen = new ConcurrentQueue<(string Category, int Id, string Name)>();
        string a = Loopback();
        using IHost first = Build(a, [], seen);
        using IHost second = Build(Loopback(), [a], seen);
        await first.StartAsync();
        await second.StartAsync();
        Assert.True(await Until(() => seen.Any(e => e is ("Gossip.Engine", 2, "MemberChanged"))));
        await second.StopAsync();
        await first.StopAsync();

        Assert.Equal(2, seen.Count(e => e is ("Gossip.Engine", 1, "Started")));
        Assert.Contains(("Gossip.Hosting", 102, "StartingAlone"), seen);
        Assert.Contains(("Gossip.Hosting", 101, "Joining"), seen);
        Assert.Equal(2, seen.Count(e => e is ("Gossip.Hosting", 103, "Leaving")));
    }

    private static IHost Build(string bind, string[] seeds, ConcurrentQueue<(string, int, string)> seen)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new Recorder(seen));
        builder.Services.AddGossip(options =>
        {
            options.Bind = bind;
            options.KeyFile = SharedKeyFile;
            foreach (string seed in seeds)
            {
                options.Seeds.Add(seed);
            }

            options.Node.GossipInterval = TimeSpan.FromMilliseconds(50);
        });
        return builder.Build();
    }

    private sealed class Recorder(ConcurrentQueue<(string, int, string)> seen) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, seen);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, int, string)> seen) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            seen.Enqueue((category, eventId.Id, eventId.Name ?? ""));
    }
}
