using System.Net;
using System.Threading.Channels;
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
internal sealed class UdpClusterUnderTest : IClusterUnderTest
{
    private readonly List<GossipNode> _nodes = [];
    private readonly List<UdpTransport> _transports = [];
    private readonly bool[] _live;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _drains = [];

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
    {
        ArgumentNullException.ThrowIfNull(configure);
        ArgumentNullException.ThrowIfNull(externalSeeds);
        bool partial = count > FullViewLimit;
        _live = new bool[count];
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
            var node = new GossipNode(options, transport);
            _drains.Add(DrainAsync(node, _stop.Token));
            _nodes.Add(node);
            _transports.Add(transport);
            _live[i] = true;
        }

        if (partial)
        {
            // Each node starts with a bounded random view, introduced before it starts.
            var random = new SeededRandom(seed);
            foreach (GossipNode node in _nodes)
            {
                for (int known = 1; known <= MemoryClusterUnderTest.PartialViewSize;)
                {
                    GossipNode other = _nodes[random.Next(count)];
                    known += node.Introduce(other.Id, other.Generation, other.Address) ? 1 : 0;
                }
            }
        }

        foreach (GossipNode node in _nodes)
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
            seeds.Add(_nodes[0].Address);
        }

        if (seeds.Count > 0)
        {
            foreach (GossipNode node in _nodes)
            {
                node.Join(seeds);
            }
        }
    }

    /// <inheritdoc />
    public string Transport => "udp";

    /// <inheritdoc />
    public bool VirtualTime => false;

    /// <inheritdoc />
    public TimeSpan Interval { get; }

    /// <inheritdoc />
    public TimeProvider Time => TimeProvider.System;

    /// <inheritdoc />
    public EventLog Log { get; } = new();

    /// <inheritdoc />
    public int Count => _nodes.Count;

    /// <summary>The nodes, for commands that need more than the scenario seam.</summary>
    public IReadOnlyList<GossipNode> Nodes => _nodes;

    /// <summary>The nodes' transports (same order), for the stream budgets the hostile scenario reads.</summary>
    public IReadOnlyList<UdpTransport> Transports => _transports;

    /// <inheritdoc />
    public void Wait(TimeSpan duration) => Thread.Sleep(duration);

    /// <inheritdoc />
    public bool IsLive(int index) => _live[index];

    /// <inheritdoc />
    public NodeId IdOf(int index) => _nodes[index].Id;

    /// <inheritdoc />
    public int ConvergedCount()
    {
        int expected = 0;
        foreach (bool live in _live)
        {
            expected += live ? 1 : 0;
        }

        expected = Math.Min(expected, _viewLimit);

        // ">=": when joined to an external cluster a node also sees the nodes of other processes.
        int converged = 0;
        for (int i = 0; i < _nodes.Count; i++)
        {
            converged += _live[i] && _nodes[i].LiveMemberCount >= expected ? 1 : 0;
        }

        return converged;
    }

    /// <inheritdoc />
    public long Rounds(int index) => _nodes[index].Round;

    /// <inheritdoc />
    public TrafficSnapshot Traffic(int index) => TrafficSnapshot.Of(_nodes[index].TransportCounters);

    /// <inheritdoc />
    public RumorId Broadcast(int index, ReadOnlySpan<byte> payload) => _nodes[index].Broadcast(payload);

    /// <inheritdoc />
    public bool Knows(int observer, NodeId member)
    {
        foreach (MemberSnapshot m in _nodes[observer].Members)
        {
            if (m.Id == member)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public void Crash(int index)
    {
        _live[index] = false;

        // Dispose closes the socket as well: the crashed node's port answers nothing, as a killed process's would.
        _nodes[index].Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        foreach (GossipNode node in _nodes)
        {
            node.Dispose();
        }

        Task.WaitAll([.. _drains], TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private async Task DrainAsync(GossipNode node, CancellationToken stop)
    {
        ChannelReader<GossipEvent> reader = node.Events;
        NodeId id = node.Id;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (reader.TryRead(out GossipEvent e))
                {
                    Log.Record(id, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The cluster is being disposed.
        }
    }
}
