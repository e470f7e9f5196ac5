using Gossip.Engine;
using Gossip.LoadGen.Cli;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>Builds the <see cref="IClusterUnderTest"/> the command line asks for: <c>--transport udp|memory</c>.</summary>
internal static class ClusterFactory
{
    /// <summary>"aes-gcm" when the nodes <see cref="Create"/> builds for these arguments encrypt, else "plaintext".</summary>
    public static string SecurityOf(LoadGenArguments args) => args.Transport != "memory" && !args.Plaintext ? "aes-gcm" : "plaintext";

    /// <summary>Starts <paramref name="nodes"/> nodes at <paramref name="interval"/> with the fanout, mode, seed and loss of <paramref name="args"/>.</summary>
    public static IClusterUnderTest Create(LoadGenArguments args, int nodes, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool encrypted = args.Transport != "memory" && !args.Plaintext;
        void Configure(GossipOptions o)
        {
            o.GossipInterval = interval;
            o.Fanout = args.Fanout;
            o.Mode = args.Mode;

            // Real sockets run as a deployment would: every node its own ring of the run's one cluster key. The
            // simulation (memory) stays plain: it counts rounds, and a ring per node per sender would not fit at 100,000.
            o.Keys = encrypted ? new KeyRing(1, args.ClusterKey) : null;
            o.AllowPlaintext = !encrypted;
        }

        return args.Transport == "memory"
            ? new MemoryClusterUnderTest(nodes, args.Seed, args.Loss, Configure)
            : new UdpClusterUnderTest(nodes, Configure, args.Seeds, args.Seed);
    }
}
