using Gossip.Engine;

namespace Gossip.LoadGen.Chaos;

/// <summary>The options preset a chaos cluster runs (see <see cref="GossipOptions.Lan"/> and its siblings).</summary>
internal enum ChaosPreset
{
    /// <summary><see cref="GossipOptions.Lan"/>: the defaults, 200 ms rounds.</summary>
    Lan,

    /// <summary><see cref="GossipOptions.Local"/>: 100 ms rounds, short suspicion.</summary>
    Local,

    /// <summary><see cref="GossipOptions.Wan"/>: 500 ms rounds, long timeouts.</summary>
    Wan,
}

/// <summary>Applies a <see cref="ChaosPreset"/> to the options instance the simulated cluster hands over.</summary>
internal static class ChaosPresets
{
    public static GossipOptions Options(ChaosPreset preset) => preset switch
    {
        ChaosPreset.Local => GossipOptions.Local(),
        ChaosPreset.Wan => GossipOptions.Wan(),
        _ => GossipOptions.Lan(),
    };

    public static void Apply(ChaosPreset preset, GossipOptions options)
    {
        GossipOptions source = Options(preset);
        options.GossipInterval = source.GossipInterval;
        options.Fanout = source.Fanout;
        options.ProbeEveryRounds = source.ProbeEveryRounds;
        options.ProbeTimeoutRounds = source.ProbeTimeoutRounds;
        options.IndirectProbes = source.IndirectProbes;
        options.RetransmitMultiplier = source.RetransmitMultiplier;
        options.SuspicionMultiplier = source.SuspicionMultiplier;
        options.ReapAfterRounds = source.ReapAfterRounds;
        options.SyncEveryRounds = source.SyncEveryRounds;
    }
}
