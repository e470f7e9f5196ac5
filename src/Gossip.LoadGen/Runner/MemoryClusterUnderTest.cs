using Gossip.Engine;
using Gossip.Engine.Simulation;
using Gossip.LoadGen.Measurement;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// n nodes on the deterministic simulated network, in virtual time: <see cref="Wait"/> runs whole rounds (every live
/// node ticks, the network delivers) until the virtual clock has advanced by the duration, then drains every node's
/// notifications into the <see cref="EventLog"/>. Clusters of up to 2,000 nodes start knowing only node 0 and join for
/// real; larger ones start from random partial views (a full view of 100,000 members per node does not fit in memory).
/// </summary>
internal sealed class MemoryClusterUnderTest : IClusterUnderTest
{
    /// <summary>Above this size nodes keep partial views.</summary>
    public const int FullViewLimit = 2_000;

    /// <summary>Members a node keeps in a partial view (the engine's member limit then bounds it).</summary>
    public const int PartialViewSize = 32;

    private readonly SimulatedCluster _cluster;
    private readonly int _viewLimit;

    /// <summary>
    /// Builds the cluster; <paramref name="configure"/> sets the node options (interval, fanout, mode). With
    /// <paramref name="fullMembership"/> every node starts knowing every other (no join phase), as <c>faults</c> wants.
    /// </summary>
    public MemoryClusterUnderTest(int count, ulong seed, double loss, Action<GossipOptions> configure, bool fullMembership = false)
    {
        ArgumentNullException.ThrowIfNull(configure);
        bool partial = count > FullViewLimit;
        _viewLimit = partial ? PartialViewSize + 1 : int.MaxValue;
        _cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = count,
            Seed = seed,
            Bootstrap = partial ? ClusterBootstrap.RandomViews : fullMembership ? ClusterBootstrap.FullMembership : ClusterBootstrap.JoinThroughFirst,
            ViewSize = PartialViewSize,
            Configure = o =>
            {
                o.EventCapacity = 4_096;
                configure(o);
                if (partial)
                {
                    o.MaxMembers = PartialViewSize + 1;
                    o.ClusterSizeHint = count;
                }
            },
            Network = new SimulatedNetworkOptions { LossRate = loss },
        });
        Drain();
    }

    /// <inheritdoc />
    public string Transport => "memory";

    /// <inheritdoc />
    public bool VirtualTime => true;

    /// <inheritdoc />
    public TimeSpan Interval => _cluster.Interval;

    /// <inheritdoc />
    public TimeProvider Time => _cluster.Network.Clock;

    /// <inheritdoc />
    public EventLog Log { get; } = new();

    /// <inheritdoc />
    public int Count => _cluster.Nodes.Count;

    /// <summary>Rounds run so far.</summary>
    public int Round => _cluster.Round;

    /// <inheritdoc />
    public void Wait(TimeSpan duration)
    {
        // Whole rounds only: the cluster's rounds are its unit of virtual time.
        TimeSpan target = _cluster.Network.Clock.Now + duration;
        while (_cluster.Network.Clock.Now < target)
        {
            _cluster.RunRound();
        }

        Drain();
    }

    /// <inheritdoc />
    public bool IsLive(int index) => _cluster.IsLive(index);

    /// <inheritdoc />
    public NodeId IdOf(int index) => _cluster.Nodes[index].Id;

    /// <inheritdoc />
    public int ConvergedCount()
    {
        int expected = Math.Min(_cluster.LiveCount, _viewLimit);
        int converged = 0;
        for (int i = 0; i < _cluster.Nodes.Count; i++)
        {
            converged += _cluster.IsLive(i) && _cluster.Nodes[i].LiveMemberCount >= expected ? 1 : 0;
        }

        return converged;
    }

    /// <inheritdoc />
    public int OpenStreams() => 0;

    /// <inheritdoc />
    public int UnmetPairs()
    {
        int peers = Math.Min(_cluster.LiveCount, _viewLimit) - 1;
        int unmet = 0;
        for (int i = 0; i < _cluster.Nodes.Count; i++)
        {
            if (_cluster.IsLive(i) && _cluster.Nodes[i].Options.Keys is not null)
            {
                unmet += Math.Max(0, peers - _cluster.Nodes[i].ReplaySenders);
            }
        }

        return unmet;
    }

    /// <inheritdoc />
    public long Rounds(int index) => _cluster.Nodes[index].Round;

    /// <inheritdoc />
    public TrafficSnapshot Traffic(int index) => TrafficSnapshot.Of(_cluster.Nodes[index].TransportCounters);

    /// <inheritdoc />
    public RumorId Broadcast(int index, ReadOnlySpan<byte> payload) => _cluster.Nodes[index].Broadcast(payload);

    /// <inheritdoc />
    public bool Knows(int observer, NodeId member)
    {
        foreach (MemberSnapshot m in _cluster.Nodes[observer].Members)
        {
            if (m.Id == member)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public void Crash(int index) => _cluster.Crash(index);

    /// <summary>Suspicions raised by all nodes so far (live or crashed).</summary>
    public long Suspicions()
    {
        long total = 0;
        foreach (GossipNode node in _cluster.Nodes)
        {
            total += node.Counters.Suspicions;
        }

        return total;
    }

    /// <inheritdoc />
    public void Dispose() => _cluster.Dispose();

    private void Drain()
    {
        foreach (GossipNode node in _cluster.Nodes)
        {
            NodeId id = node.Id;
            while (node.Events.TryRead(out GossipEvent e))
            {
                Log.Record(id, e);
            }
        }
    }
}
