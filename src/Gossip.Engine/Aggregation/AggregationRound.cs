using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Aggregation;

/// <summary>
/// The node's part in push-sum aggregation: once it has a value (or has heard of an epoch), every round it enters the
/// epoch the shared clock says, keeps half its mass and sends the other half to one random peer. Epochs are numbered
/// from the clock so every node restarts push-sum at about the same time without coordination; the live member with
/// the lowest id injects the count weight. Publishes the last completed epoch's estimate for other threads.
/// </summary>
internal sealed class AggregationRound
{
    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly FrameComposer _frames;
    private readonly PushSumAggregator _aggregator = new();
    private readonly SeqLocked<AggregateEstimate> _published = new();

    public AggregationRound(NodeContext node, MembershipState members, FrameComposer frames)
    {
        _node = node;
        _members = members;
        _frames = frames;
    }

    /// <summary>The last completed epoch's estimate (safe from any thread: never torn).</summary>
    public AggregateEstimate Published => _published.Read();

    /// <summary>Sets this node's value; it takes part from the next round.</summary>
    public void Publish(double value) => _aggregator.Publish(value);

    /// <summary>The next round while this node takes part in aggregation (every round sends a share); <see cref="long.MaxValue"/> before it does.</summary>
    public long NextWorkRound(long round) => !_aggregator.HasValue && _aggregator.Epoch == 0 ? long.MaxValue : round + 1;

    public void Step()
    {
        if (!_aggregator.HasValue && _aggregator.Epoch == 0)
        {
            return;
        }

        _aggregator.EnterEpoch(CurrentEpoch(), _members.SelfIsLowestLive());
        if (_published.Read().Epoch != _aggregator.Completed.Epoch)
        {
            _published.Write(_aggregator.Completed);
        }

        Member? peer = _members.GossipPeers.Next();
        if (peer is null)
        {
            return;
        }

        AggregateShare share = _aggregator.TakeShare();
        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Aggregation) && share.TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        _frames.Send(peer.Address, peer.Id, ref writer, sections.Count);
    }

    /// <summary>
    /// A peer's share of its mass. A share from beyond the next epoch of our clock is dropped: epochs only move
    /// forward, so one forged or clock-skewed share of epoch 4,294,967,295 would otherwise freeze aggregation everywhere.
    /// </summary>
    public void Receive(in AggregateShare share)
    {
        if (share.Epoch > CurrentEpoch() + 1)
        {
            return;
        }

        _aggregator.Receive(share, _members.SelfIsLowestLive());
    }

    private uint CurrentEpoch()
    {
        long epochMilliseconds = Math.Max(1, (long)_node.Options.GossipInterval.TotalMilliseconds * _node.Options.AggregationEpochRounds);
        return (uint)(_node.Time.GetUtcNow().ToUnixTimeMilliseconds() / epochMilliseconds) + 1;
    }
}
