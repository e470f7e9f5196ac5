using Gossip.Engine;
using Gossip.LoadGen.Cli;

namespace Gossip.LoadGen.Runner;

/// <summary>Builds the <see cref="IClusterUnderTest"/> the command line asks for: <c>--transport udp|memory</c>.</summary>
internal static class ClusterFactory
{
    /// <summary>Starts <paramref name="nodes"/> nodes at <paramref name="interval"/> with the fanout, mode, seed and loss of <paramref name="args"/>.</summary>
    public static IClusterUnderTest Create(LoadGenArguments args, int nodes, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(args);
        void Configure(GossipOptions o)
        {
            o.GossipInterval = interval;
            o.Fanout = args.Fanout;
            o.Mode = args.Mode;
        }

        return args.Transport == "memory"
            ? new MemoryClusterUnderTest(nodes, args.Seed, args.Loss, Configure)
            : new UdpClusterUnderTest(nodes, Configure, args.Seeds, args.Seed);
    }
}
