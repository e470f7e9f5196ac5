using System.Threading.Channels;
using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// Real nodes on UDP in this process, seen through the scenario seam: what a whole cluster under test
/// (<see cref="UdpClusterUnderTest"/>) and one process's part of a spread cluster (<see cref="PartCluster"/>) share:
/// the nodes and which are live, crashes, traffic, and each node's notifications drained on its own reader task
/// (an idle reader costs no CPU) into <see cref="Record"/>.
/// </summary>
internal abstract class UdpNodeCluster : IClusterUnderTest
{
    private readonly List<GossipNode> _nodes = [];
    private readonly bool[] _live;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _drains = [];
    private bool _disposed;

    /// <summary>Room for <paramref name="count"/> nodes, added with <see cref="Add"/>.</summary>
    protected UdpNodeCluster(int count) => _live = new bool[count];

    /// <summary>The nodes, by index.</summary>
    public IReadOnlyList<GossipNode> Nodes => _nodes;

    /// <inheritdoc />
    public string Transport => "udp";

    /// <inheritdoc />
    public bool VirtualTime => false;

    /// <inheritdoc />
    public TimeSpan Interval { get; protected set; }

    /// <inheritdoc />
    public TimeProvider Time => TimeProvider.System;

    /// <inheritdoc />
    public EventLog Log { get; } = new();

    /// <inheritdoc />
    public int Count => _nodes.Count;

    /// <inheritdoc />
    public void Wait(TimeSpan duration) => Thread.Sleep(duration);

    /// <inheritdoc />
    public bool IsLive(int index) => _live[index];

    /// <inheritdoc />
    public NodeId IdOf(int index) => _nodes[index].Id;

    /// <inheritdoc />
    public int ConvergedCount()
    {
        // ">=": a node joined to a cluster that spans processes also sees the nodes of the others.
        int expected = ExpectedMembers();
        int converged = 0;
        for (int i = 0; i < _nodes.Count; i++)
        {
            converged += _live[i] && _nodes[i].LiveMemberCount >= expected ? 1 : 0;
        }

        return converged;
    }

    /// <inheritdoc />
    public int OpenStreams()
    {
        int open = 0;
        for (int i = 0; i < _nodes.Count; i++)
        {
            open += _live[i] ? _nodes[i].OpenStreams : 0;
        }

        return open;
    }

    /// <inheritdoc />
    public int UnmetPairs()
    {
        // A node hears from the live nodes it is expected to see; a plaintext node keeps nothing per sender (0 here).
        int peers = ExpectedMembers() - 1;
        int unmet = 0;
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (_live[i] && _nodes[i].Options.Keys is not null)
            {
                unmet += Math.Max(0, peers - _nodes[i].ReplaySenders);
            }
        }

        return unmet;
    }

    /// <summary>Live nodes of this process.</summary>
    public int LiveCount()
    {
        int live = 0;
        foreach (bool l in _live)
        {
            live += l ? 1 : 0;
        }

        return live;
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

        // Dispose closes the sockets: the port answers nothing, as a killed process's would.
        _nodes[index].Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the readers and disposes every node.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        foreach (GossipNode node in _nodes)
        {
            node.Dispose();
        }

        Task.WaitAll([.. _drains], TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    /// <summary>Adds a created (not yet started) node as live, with a reader for its notifications.</summary>
    protected void Add(GossipNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _drains.Add(DrainAsync(node, _stop.Token));
        _live[_nodes.Count] = true;
        _nodes.Add(node);
    }

    /// <summary>Live members a converged node of this process sees.</summary>
    protected abstract int ExpectedMembers();

    /// <summary>Takes one notification of node <paramref name="id"/> (on its reader task).</summary>
    protected abstract void Record(NodeId id, in GossipEvent e);

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
                    Record(id, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The cluster is being disposed.
        }
    }
}
