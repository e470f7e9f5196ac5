using Gossip.Engine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Gossip.Hosting.Tests.HostTestSupport;

namespace Gossip.Hosting.Tests;

/// <summary>A hosted node needs a key unless plaintext is chosen, and rotates its keys when its key file changes.</summary>
public sealed class HostedKeysTests
{
    private static readonly string OldKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private static readonly string NewKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void HostedNode_WithoutKeyFileOrPlaintext_RefusesToStart()
    {
        using IHost host = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = Loopback() });

        ClusterKeyRequiredException error = Assert.Throws<ClusterKeyRequiredException>(() => host.Services.GetRequiredService<GossipNode>());

        Assert.Contains("Gossip:KeyFile", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPlaintext", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostedNode_PlaintextChosenExplicitly_Starts()
    {
        using IHost host = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = Loopback(), ["Gossip:Node:AllowPlaintext"] = "true" });

        await host.StartAsync();

        GossipNode node = host.Services.GetRequiredService<GossipNode>();
        Assert.True(node.IsRunning);
        Assert.Null(node.Options.Keys);
        await host.StopAsync();
    }

    [Fact]
    public async Task TwoHostedNodes_KeyFilesRotatedWhileRunning_StayMembers_AndEndOnTheNewKeyAlone()
    {
        string fileA = NewKeyFile();
        string fileB = NewKeyFile();
        File.WriteAllText(fileA, $"1 {OldKey}\n");
        File.WriteAllText(fileB, $"1 {OldKey}\n");
        string a = Loopback();
        using IHost first = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = a, ["Gossip:KeyFile"] = fileA, ["Gossip:KeyFileReloadInterval"] = "00:00:00.050", ["Gossip:Node:GossipInterval"] = "00:00:00.050" });
        using IHost second = Build(new Dictionary<string, string?> { ["Gossip:Bind"] = Loopback(), ["Gossip:Seeds:0"] = a, ["Gossip:KeyFile"] = fileB, ["Gossip:KeyFileReloadInterval"] = "00:00:00.050", ["Gossip:Node:GossipInterval"] = "00:00:00.050" });
        await first.StartAsync();
        await second.StartAsync();
        GossipNode nodeA = first.Services.GetRequiredService<GossipNode>();
        GossipNode nodeB = second.Services.GetRequiredService<GossipNode>();
        Assert.True(await Until(() => nodeA.LiveMemberCount == 2 && nodeB.LiveMemberCount == 2));

        // The operator's three steps, each on every node before the next.
        File.WriteAllText(fileA, $"1 {OldKey}\n2 {NewKey}\n");
        File.WriteAllText(fileB, $"1 {OldKey}\n2 {NewKey}\n");
        Assert.True(await Until(() => nodeA.Options.Keys!.Contains(2) && nodeB.Options.Keys!.Contains(2)));
        File.WriteAllText(fileA, $"2 {NewKey}\n1 {OldKey}\n");
        File.WriteAllText(fileB, $"2 {NewKey}\n1 {OldKey}\n");
        Assert.True(await Until(() => nodeA.Options.Keys!.PrimaryKeyId == 2 && nodeB.Options.Keys!.PrimaryKeyId == 2));
        File.WriteAllText(fileA, $"2 {NewKey}\n");
        File.WriteAllText(fileB, $"2 {NewKey}\n");
        Assert.True(await Until(() => !nodeA.Options.Keys!.Contains(1) && !nodeB.Options.Keys!.Contains(1)));

        // Still one cluster, on the new key alone: new state crosses, no frame was refused for its key at any step
        // (each step was on both nodes before the next), and nobody was declared dead.
        nodeB.SetLocal("after", "rotation"u8);
        Assert.True(await Until(() => nodeA.TryGetState(nodeB.Id, "after", out _)));
        Assert.Equal(0, nodeA.Counters.DroppedFor(Wire.WireStatus.AuthenticationFailed) + nodeB.Counters.DroppedFor(Wire.WireStatus.AuthenticationFailed));
        Assert.Equal(0, nodeA.Counters.DeathsDeclared + nodeB.Counters.DeathsDeclared);
        await second.StopAsync();
        await first.StopAsync();
        File.Delete(fileA);
        File.Delete(fileB);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddGossip(builder.Configuration.GetSection("Gossip"));
        return builder.Build();
    }
}
