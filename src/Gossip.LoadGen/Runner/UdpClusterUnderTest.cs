using System.Net;
using Gossip.Engine;
using Gossip.Engine.Transport.Udp;
using Gossip.LoadGen.Measurement;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// n real nodes in this process, each on its own UDP socket on 127.0.0.1, ticked by the engine's own scheduler in wall
/// time, joined through node 0 or through external seeds (so a load run can span hosts). Each node's notifications are
/// drained on its own reader task into the <see cref="EventLog"/> (an idle reader costs no CPU).
/// </summary>
internal sealed class UdpClusterUnderTest : UdpNodeCluster
{
    private readonly List<UdpTransport> _transports = [];

    /// <summary>Above this size nodes start from random partial views instead of joining through one seed (see the class remarks).</summary>
    public const int FullViewLimit = MemoryClusterUnderTest.FullViewLimit;

    private readonly int _viewLimit = int.MaxValue;

    /// <summary>Starts <paramref name="count"/> nodes configured by <paramref name="configure"/> and has them join.</summary>
    /// <remarks>
    /// Above <see cref="FullViewLimit"/> nodes the cluster is bootstrapped as the simulation does it: every node starts
    /// knowing <see cref="MemoryClusterUnderTest.PartialViewSize"/> random others and keeps at most that many (a full
    /// view of 10,000 members in each of 10,000 nodes would not fit in this machine's memory), and the TCP stream
    /// channel is off so each node holds one socket (file descriptors are limited to 20,000 here). Retransmit budgets
    /// are sized for the whole cluster (<see cref="GossipOptions.ClusterSizeHint"/>), as a full-view node's would be.
    /// </remarks>
    public UdpClusterUnderTest(int count, Action<GossipOptions> configure, IReadOnlyList<IPEndPoint> externalSeeds, ulong seed = 1)
        : base(count)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(externalSeeds);
        bool partial = count > FullViewLimit;
        for (int i = 0; i < count; i++)
        {
            var options = new GossipOptions { EventCapacity = 4_096 };
            configure(options);
            if (partial)
            {
                options.MaxMembers = MemoryClusterUnderTest.PartialViewSize + 1;
                options.ClusterSizeHint = count;
                _viewLimit = options.MaxMembers;

                // Plaintext partial views: members must answer members they do not hold (docs/security.md).
                if (options.Keys is null)
                {
                    options.NonMemberGuard = false;
                }
            }

            Interval = options.GossipInterval;
            var transport = new UdpTransport(new UdpTransportOptions
            {
                Bind = new IPEndPoint(IPAddress.Loopback, 0),
                MaxDatagramBytes = options.MaxDatagramBytes,
                EnableStreams = !partial,
            });
            Add(new GossipNode(options, transport));
            _transports.Add(transport);
        }

        if (partial)
        {
            // Each node starts with a bounded random view, introduced before it starts.
            var random = new SeededRandom(seed);
            foreach (GossipNode node in Nodes)
            {
                for (int known = 1; known <= MemoryClusterUnderTest.PartialViewSize;)
                {
                    GossipNode other = Nodes[random.Next(count)];
                    known += node.Introduce(other.Id, other.Generation, other.Address) ? 1 : 0;
                }
            }
        }

        foreach (GossipNode node in Nodes)
        {
            node.Start();
        }

        var seeds = new List<WireAddress>();
        foreach (IPEndPoint endPoint in externalSeeds)
        {
            seeds.Add(WireAddress.FromEndPoint(endPoint));
        }

        if (seeds.Count == 0 && count > 0 && !partial)
        {
            seeds.Add(Nodes[0].Address);
        }

        if (seeds.Count > 0)
        {
            foreach (GossipNode node in Nodes)
            {
                node.Join(seeds);
            }
        }
    }

    /// <summary>The nodes' transports (same order), for the stream budgets the hostile scenario reads.</summary>
    public IReadOnlyList<UdpTransport> Transports => _transports;

    /// <inheritdoc />
    protected override int ExpectedMembers() => Math.Min(LiveCount(), _viewLimit);

    /// <inheritdoc />
    protected override void Record(NodeId id, in GossipEvent e) => Log.Record(id, e);
}
