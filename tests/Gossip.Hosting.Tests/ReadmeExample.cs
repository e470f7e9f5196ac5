using Gossip.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gossip.Hosting.Tests;

/// <summary>The README's embedding example, compiled and run by the tests so it cannot rot.</summary>
internal static class ReadmeExample
{
    // README-EXAMPLE-START
    public static async Task RunServiceAsync(string bind, string[] seeds, string keyFile, CancellationToken stop)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddGossip(options =>
        {
            options.Bind = bind;                      // UDP + TCP on this address
            foreach (string seed in seeds)
            {
                options.Seeds.Add(seed);              // join an existing cluster
            }

            options.KeyFile = keyFile;                // the cluster key: frames are encrypted (required)
            options.Node.GossipInterval = TimeSpan.FromMilliseconds(200);
        });
        builder.Services.AddHealthChecks().AddGossipHealthCheck();  // Healthy, Degraded or Unhealthy
        using IHost host = builder.Build();
        await host.StartAsync(stop);                  // the node starts and joins with the host

        GossipNode node = host.Services.GetRequiredService<GossipNode>();
        node.SetLocal("role", "api"u8);               // replicated to every member
        await foreach (GossipEvent e in node.Events.ReadAllAsync(stop))
        {
            Console.WriteLine($"{e.Kind} {e.Member}");  // joins, suspicions, deaths, state changes
        }
    }
    // README-EXAMPLE-END
}
