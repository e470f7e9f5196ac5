using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Gossip.Engine;
using Gossip.Engine.Diagnostics;
using Gossip.Wire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Gossip.Hosting.Tests.HostTestSupport;

namespace Gossip.Hosting.Tests;

public sealed class HostingTests
{
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    [Fact]
    public async Task TwoHostedNodes_FromConfiguration_FormACluster_AndShareState()
    {
        string a = $"127.0.0.1:{FreePort()}";
        string b = $"127.0.0.1:{FreePort()}";
        using IHost first = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = a });
        using IHost second = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = b, ["Gossip:Seeds:0"] = a });
        await first.StartAsync();
        await second.StartAsync();

        GossipNode nodeA = first.Services.GetRequiredService<GossipNode>();
        GossipNode nodeB = second.Services.GetRequiredService<GossipNode>();
        nodeA.SetLocal("role", "api"u8);
        Assert.True(await Until(() => nodeB.TryGetState(nodeA.Id, "role", out _)));
        // The member list readers see is republished at most once a round, so A's count may trail B's state by a round.
        Assert.True(await Until(() => nodeA.LiveMemberCount == 2));

        await second.StopAsync(); // graceful: the node leaves
        Assert.True(await Until(() => nodeA.Members.Any(m => m.Id == nodeB.Id && m.Status == MemberStatus.Left)));
        await first.StopAsync();
    }

    [Fact]
    public async Task TwoHostedNodes_ShareTheReplicatedMap_OverRealSockets()
    {
        string a = $"127.0.0.1:{FreePort()}";
        string b = $"127.0.0.1:{FreePort()}";
        using IHost first = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = a });
        using IHost second = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = b, ["Gossip:Seeds:0"] = a });
        await first.StartAsync();
        await second.StartAsync();

        IReplicatedMap mapA = first.Services.GetRequiredService<IReplicatedMap>();
        IReplicatedMap mapB = second.Services.GetRequiredService<IReplicatedMap>();
        Assert.Same(first.Services.GetRequiredService<GossipNode>(), mapA);
        Assert.True(await Until(() => first.Services.GetRequiredService<GossipNode>().LiveMemberCount == 2));
        mapA.Set("flag"u8, "on"u8);
        mapB.Set("other"u8, "1"u8);
        mapB.Remove("other"u8);

        Assert.True(await Until(() => mapB.TryGet("flag"u8, out byte[] v) && v.AsSpan().SequenceEqual("on"u8)));
        Assert.True(await Until(() => mapA.RootHash == mapB.RootHash && mapA.Count == 2));
        Assert.False(mapA.TryGet("other"u8, out _));
        await second.StopAsync();
        await first.StopAsync();
    }

    [Fact]
    public async Task Meter_ReportsRoundsAndBytes_OfARunningNode()
    {
        using IHost host = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = $"127.0.0.1:{FreePort()}" });
        await host.StartAsync();
        var seen = new HashSet<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GossipMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => { lock (seen) { if (value > 0) { seen.Add(instrument.Name); } } });
        listener.SetMeasurementEventCallback<int>((instrument, _, _, _) => { lock (seen) { seen.Add(instrument.Name); } });
        listener.Start();
        Assert.True(await Until(() =>
        {
            listener.RecordObservableInstruments();
            lock (seen)
            {
                return seen.Contains("gossip.rounds") && seen.Contains("gossip.member.count");
            }
        }));
        await host.StopAsync();
    }

    [Fact]
    public void ReadmeExample_IsTheCodeTheTestsCompile()
    {
        string readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));
        string source = File.ReadAllText(FindSource("ReadmeExample.cs"));
        int start = source.IndexOf("// README-EXAMPLE-START", StringComparison.Ordinal);
        int end = source.IndexOf("// README-EXAMPLE-END", StringComparison.Ordinal);
        string[] lines = source[start..end].Split('\n').Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        foreach (string line in lines)
        {
            Assert.Contains(line, readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void InvalidOptions_FailAtStartUp_NamingTheOption()
    {
        using IHost host = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = "127.0.0.1:0", ["Gossip:Node:Fanout"] = "0" });
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => host.Services.GetRequiredService<GossipNode>());
        Assert.Contains("Fanout", error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        if (!settings.ContainsKey("Gossip:Node:AllowPlaintext"))
        {
            settings.TryAdd("Gossip:KeyFile", SharedKeyFile);
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGossip(builder.Configuration.GetSection("Gossip"));
        return builder.Build();
    }

    private static string FindSource(string name)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Gossip.Hosting.Tests", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(name);
    }
}
