using System.Reflection;

namespace Gossip.Engine.Tests;

/// <summary>The option presets: each is valid, LAN is the defaults, WAN is slower and more tolerant, Local faster, Synchronous only the model's two switches.</summary>
public sealed class GossipOptionsPresetsTests
{
    private static readonly PropertyInfo[] Properties = typeof(GossipOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    public static TheoryData<string> PresetNames => new() { "Lan", "Wan", "Local", "Synchronous" };

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Preset_Always_Validates(string name)
    {
        GossipOptions options = Preset(name);
        options.AllowPlaintext = true;

        options.Validate();
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Preset_WithoutKeyOrPlaintextOptIn_IsRefused(string name)
    {
        // Encrypted by default: no preset, however tuned, starts a node without a cluster key.
        Assert.Throws<ClusterKeyRequiredException>(Preset(name).Validate);
    }

    [Fact]
    public void Node_WithoutKeyOrPlaintextOptIn_RefusesToBeCreated_NamingBothWays()
    {
        var network = new Simulation.SimulatedNetwork(1);

        ClusterKeyRequiredException error = Assert.Throws<ClusterKeyRequiredException>(() => new GossipNode(new GossipOptions(), network.CreateTransport()));

        Assert.Contains("GossipOptions.Keys", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowPlaintext", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_WithAKeyRing_NeedsNoOptIn()
    {
        var network = new Simulation.SimulatedNetwork(1);
        using var keys = new Wire.KeyRing(1, new byte[32]);

        using var node = new GossipNode(new GossipOptions { Keys = keys }, network.CreateTransport());

        Assert.Same(keys, node.Options.Keys);
    }

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Preset_EachCall_ReturnsAFreshInstance(string name)
    {
        // Callers mutate what they get; a shared instance would leak one caller's changes into the next.
        Assert.NotSame(Preset(name), Preset(name));
    }

    [Fact]
    public void Lan_ComparedWithDefaults_EqualsEveryPublicProperty()
    {
        // Reflection, so a field added later is covered without touching this test.
        Assert.Empty(DifferingProperties(GossipOptions.Lan(), new GossipOptions()));
    }

    [Fact]
    public void Wan_ComparedWithLan_IsSlowerAndMoreTolerant()
    {
        GossipOptions lan = GossipOptions.Lan();
        GossipOptions wan = GossipOptions.Wan();

        Assert.True(wan.GossipInterval > lan.GossipInterval, "rounds longer than a WAN round trip");
        Assert.True(wan.Fanout >= lan.Fanout, "no fewer peers per (rarer) round");
        Assert.True(ProbeInterval(wan) > ProbeInterval(lan), "probes rarer");
        Assert.True(ProbeTimeout(wan) > ProbeTimeout(lan), "acks given longer");
        Assert.True(wan.SuspicionMultiplier > lan.SuspicionMultiplier, "suspects given longer to refute");
        Assert.True(wan.ReapAfterRounds > lan.ReapAfterRounds, "dead kept for more rounds");
        Assert.True(wan.ReapAfterRounds * wan.GossipInterval > lan.ReapAfterRounds * lan.GossipInterval, "dead kept for longer");
        Assert.True(wan.SyncEveryRounds * wan.GossipInterval > lan.SyncEveryRounds * lan.GossipInterval, "anti-entropy rarer");
    }

    [Fact]
    public void Local_ComparedWithLan_IsFasterAndLessPatient()
    {
        GossipOptions lan = GossipOptions.Lan();
        GossipOptions local = GossipOptions.Local();

        Assert.True(local.GossipInterval < lan.GossipInterval, "shorter rounds");
        Assert.True(ProbeTimeout(local) < ProbeTimeout(lan), "acks expected sooner");
        Assert.True(local.SuspicionMultiplier < lan.SuspicionMultiplier, "shorter suspicions");
        Assert.True(local.IndirectProbes < lan.IndirectProbes, "fewer indirect helpers");
        Assert.True(local.RetransmitMultiplier < lan.RetransmitMultiplier, "fewer retransmits");
        Assert.Equal(ProbeInterval(lan), ProbeInterval(local));
    }

    [Fact]
    public void Synchronous_ComparedWithDefaults_ChangesOnlyEagerPushAndExchangeWhenIdle()
    {
        GossipOptions synchronous = GossipOptions.Synchronous();

        Assert.Equal(["EagerPush", "ExchangeWhenIdle"], DifferingProperties(synchronous, new GossipOptions()));
        Assert.False(synchronous.EagerPush);
        Assert.True(synchronous.ExchangeWhenIdle);
    }

    [Fact]
    public void ApplySynchronousModel_OnCustomizedOptions_KeepsOtherSettingsAndReturnsSameInstance()
    {
        // The converge scenario and the spread tests call it inside SimulatedClusterOptions.Configure, after or
        // before their own settings; it must not reset those.
        var options = new GossipOptions { Fanout = 5, MaxRumors = 4, ProbeEveryRounds = 10_000 };

        GossipOptions result = options.ApplySynchronousModel();

        Assert.Same(options, result);
        Assert.Equal(["EagerPush", "ExchangeWhenIdle"], DifferingProperties(options, new GossipOptions { Fanout = 5, MaxRumors = 4, ProbeEveryRounds = 10_000 }));
        Assert.False(options.EagerPush);
        Assert.True(options.ExchangeWhenIdle);
    }

    private static GossipOptions Preset(string name) => name switch
    {
        "Lan" => GossipOptions.Lan(),
        "Wan" => GossipOptions.Wan(),
        "Local" => GossipOptions.Local(),
        "Synchronous" => GossipOptions.Synchronous(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static TimeSpan ProbeInterval(GossipOptions o) => o.ProbeEveryRounds * o.GossipInterval;

    private static TimeSpan ProbeTimeout(GossipOptions o) => o.ProbeTimeoutRounds * o.GossipInterval;

    private static List<string> DifferingProperties(GossipOptions a, GossipOptions b)
    {
        var names = new List<string>();
        foreach (PropertyInfo property in Properties)
        {
            if (property.GetIndexParameters().Length == 0 && !Equals(property.GetValue(a), property.GetValue(b)))
            {
                names.Add(property.Name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
