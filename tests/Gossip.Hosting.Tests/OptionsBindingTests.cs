using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gossip.Hosting.Tests;

/// <summary>
/// AddGossip(IConfiguration) binds through the configuration binding source generator (the package is NativeAOT
/// compatible): every shape the options use must still bind, nested node options, the seed list and time spans included.
/// </summary>
public sealed class OptionsBindingTests
{
    [Fact]
    public void ConfigurationSection_BindsHostAndNestedNodeOptions()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gossip:Bind"] = "127.0.0.1:17946",
            ["Gossip:Advertise"] = "10.0.0.7:17946",
            ["Gossip:Seeds:0"] = "10.0.0.1:7946",
            ["Gossip:Seeds:1"] = "10.0.0.2:7946",
            ["Gossip:KeyFileReloadInterval"] = "00:00:02",
            ["Gossip:Node:ClusterId"] = "42",
            ["Gossip:Node:GossipInterval"] = "00:00:00.250",
            ["Gossip:Node:Fanout"] = "5",
            ["Gossip:Node:MaxDatagramBytes"] = "1200",
            ["Gossip:Node:AllowPlaintext"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddGossip(configuration.GetSection("Gossip"));
        using ServiceProvider provider = services.BuildServiceProvider();

        GossipHostOptions options = provider.GetRequiredService<IOptions<GossipHostOptions>>().Value;
        Assert.Equal("127.0.0.1:17946", options.Bind);
        Assert.Equal("10.0.0.7:17946", options.Advertise);
        Assert.Equal(["10.0.0.1:7946", "10.0.0.2:7946"], options.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(2), options.KeyFileReloadInterval);
        Assert.Equal(42u, options.Node.ClusterId);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Node.GossipInterval);
        Assert.Equal(5, options.Node.Fanout);
        Assert.Equal(1_200, options.Node.MaxDatagramBytes);
        Assert.True(options.Node.AllowPlaintext);
    }
}
