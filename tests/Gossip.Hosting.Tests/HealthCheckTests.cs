using Gossip.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using static Gossip.Hosting.Tests.HostTestSupport;

namespace Gossip.Hosting.Tests;

/// <summary>The gossip health check, registered with AddGossipHealthCheck and run by the host's HealthCheckService.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task NotStarted_IsUnhealthy_Running_IsHealthy_Stopped_IsUnhealthy()
    {
        using IHost host = Build(Loopback(), []);
        Assert.Equal(HealthStatus.Unhealthy, (await Check(host)).Status);

        await host.StartAsync();
        HealthReportEntry running = await Check(host);
        Assert.Equal(HealthStatus.Healthy, running.Status);
        Assert.Equal(true, running.Data["running"]);
        Assert.Equal(1, running.Data["live_members"]);
        Assert.Equal(0, running.Data["local_health_score"]);

        await host.StopAsync(); // the node leaves, on its own thread
        GossipNode node = host.Services.GetRequiredService<GossipNode>();
        Assert.True(await Until(() => !node.IsRunning));
        HealthReportEntry stopped = await Check(host);
        Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
        Assert.Contains("not running", stopped.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AloneWhileSeedsAreConfigured_IsDegraded_UntilItJoins()
    {
        string firstAddress = Loopback();
        using IHost first = Build(firstAddress, []);
        using IHost second = Build(Loopback(), [firstAddress]);
        await second.StartAsync(); // its seed is not there yet
        HealthReportEntry alone = await Check(second);
        Assert.Equal(HealthStatus.Degraded, alone.Status);
        Assert.Contains("Alone", alone.Description, StringComparison.Ordinal);

        await first.StartAsync(); // the seed comes up: the second node's repeated join reaches it

        // Joined, it is no longer alone. On a loaded machine its rounds can run late, which raises its local health
        // and rightly reports Degraded for that reason instead (seen in a full test run at load average 15).
        Assert.True(await Until(() => Check(second).Result is { Status: not HealthStatus.Unhealthy } entry && !entry.Description!.Contains("Alone", StringComparison.Ordinal)));
        Assert.Contains((await Check(second)).Status, new[] { HealthStatus.Healthy, HealthStatus.Degraded });
        HealthReportEntry seed = await Check(first); // no seeds: never degraded for being alone
        Assert.NotEqual(HealthStatus.Unhealthy, seed.Status);
        Assert.DoesNotContain("Alone", seed.Description ?? "", StringComparison.Ordinal);
        await second.StopAsync();
        await first.StopAsync();
    }

    [Fact]
    public async Task FailureStatus_ReplacesUnhealthy_WhenGiven()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddGossip(options =>
        {
            options.Bind = Loopback();
            options.KeyFile = SharedKeyFile;
        });
        builder.Services.AddHealthChecks().AddGossipHealthCheck("cluster", HealthStatus.Degraded, ["live"]);
        using IHost host = builder.Build();
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, report.Entries["cluster"].Status);
        Assert.Equal(["live"], report.Entries["cluster"].Tags);
    }

    [Theory]
    [InlineData(false, 0, 5, 1, HealthStatus.Unhealthy)]
    [InlineData(false, 3, 1, 0, HealthStatus.Unhealthy)]
    [InlineData(true, 0, 5, 1, HealthStatus.Healthy)]
    [InlineData(true, 0, 1, 0, HealthStatus.Healthy)]
    [InlineData(true, 1, 5, 1, HealthStatus.Degraded)]
    [InlineData(true, 8, 1, 0, HealthStatus.Degraded)]
    [InlineData(true, 0, 1, 2, HealthStatus.Degraded)]
    public void Evaluate_RaisedLocalHealth_OrAloneWithSeeds_IsDegraded(bool running, int score, int live, int seeds, HealthStatus expected)
    {
        Assert.Equal(expected, GossipHealthCheck.Evaluate(running, score, live, seeds).Status);
    }

    private static IHost Build(string bind, string[] seeds)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
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
        builder.Services.AddHealthChecks().AddGossipHealthCheck();
        return builder.Build();
    }

    private static async Task<HealthReportEntry> Check(IHost host)
    {
        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[GossipHealthChecksBuilderExtensions.DefaultName];
    }
}
