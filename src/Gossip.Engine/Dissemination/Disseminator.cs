using System.Runtime.CompilerServices;
using Gossip.Engine.Broadcasts;
using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Dissemination;

/// <summary>
/// Rumor mongering and the spreading of membership news: the user rumors being spread, the membership events waiting
/// to be piggybacked, their transmit budgets (about lambda * log n each), the round's push / pull / push-pull exchange,
/// and eager push (new news goes to a few peers at once instead of waiting for the next round). New versions of the
/// replicated map ride the same exchanges and budgets (<see cref="DataRumors"/>).
/// </summary>
internal sealed class Disseminator
{
    private readonly NodeContext _node;
    private readonly GossipOptions _options;
    private readonly WireLimits _limits;
    private readonly NodeCounters _counters;
    private readonly MembershipState _members;
    private readonly FrameComposer _frames;
    private readonly RumorBuffer _rumors;
    private readonly EventQueue _events;
    private readonly DataRumors _data;
    private readonly BroadcastBackstop _broadcasts;
    private bool _eagerPending;
    private bool _eagerUnlimited;
    private long _eventPushRound = -1;
    private long _eventsDroppedSeen;

    public Disseminator(NodeContext node, MembershipState members, FrameComposer frames, BroadcastBackstop broadcasts)
    {
        _broadcasts = broadcasts;
        _node = node;
        _options = node.Options;
        _limits = node.Limits;
        _counters = node.Counters;
        _members = members;
        _frames = frames;
        _rumors = new RumorBuffer(node.Options.MaxRumors);
        _events = new EventQueue(Math.Max(64, node.Options.MaxRumors));
        _data = new DataRumors(node.Options.MaxRumors);
    }

    /// <summary>Replicated-map versions still being spread.</summary>
    public int HotDataVersions => _data.HotCount;

    /// <summary>The digest a pull carries and compares: user rumors and map versions being spread.</summary>
    private ulong HotDigest => _rumors.HotDigest ^ _data.HotDigest;

    /// <summary>Rumors still being spread.</summary>
    public int HotRumors => _rumors.HotCount;

    /// <summary>Transmits each rumor and event gets: lambda * ceil(log10(n + 1)), n the live members or the configured cluster size.</summary>
    public int RetransmitLimit => Formulas.RetransmitLimit(_options.RetransmitMultiplier, Math.Max(_members.Table.LiveCount, _options.ClusterSizeHint));

    /// <summary>The summary of this node's broadcast deliveries that its acks carry (see <see cref="BroadcastBackstop.Summary"/>).</summary>
    public uint BroadcastSummary => _broadcasts.Summary;

    public bool HasSeen(RumorId id) => _broadcasts.HasDelivered(id);

    /// <summary>
    /// Queues an event for piggybacking and, when <paramref name="urgent"/> and eager push is on, sends it to a few peers
    /// at once (suspicions at most once a round, see <see cref="FlushEager"/>). Urgent: news that races a timer
    /// (suspicions, deaths, departures, refutations). Joins are not: pushing every newly learned member eagerly costs O(n^2)
    /// datagrams while a large cluster forms.
    /// </summary>
    public void Spread(in MembershipEvent membershipEvent, bool urgent = true)
    {
        _events.Enqueue(membershipEvent, RetransmitLimit);
        CountDroppedEvents();
        _eagerPending |= urgent && _options.EagerPush;

        // Suspicions are what multiplies in a storm; refutations and verdicts are what ends one, so they go at once.
        _eagerUnlimited |= urgent && _options.EagerPush && membershipEvent.Kind != MembershipEventKind.Suspect;
    }

    /// <summary>Starts spreading a rumor this node originates.</summary>
    public void Broadcast(RumorId id, byte[] payload)
    {
        _broadcasts.Originate(id, payload);
        if (TryAddRumor(id, payload, RetransmitLimit))
        {
            _counters.RumorsOriginatedValue++;
            _eagerPending |= _options.EagerPush;
            _eagerUnlimited |= _options.EagerPush;
            FlushEager();
        }
    }

    /// <summary>
    /// Starts spreading a new version of a replicated-map key: a local write is pushed at once; one newer than ours from
    /// a peer is pushed at most once a round, as suspicions are, so that a node receiving a stream of writes sends one
    /// eager push a round, not one per frame (at 100 writes a second over 32 nodes, that was 113 KB/s per node).
    /// </summary>
    public void SpreadData(in DataEntry entry, bool local)
    {
        long retiredBefore = _data.RetiredEarly;
        _data.Add(entry, RetransmitLimit);
        if (_data.RetiredEarly != retiredBefore)
        {
            Interlocked.Increment(ref _counters.LimitHitsValue);
        }

        _eagerPending |= _options.EagerPush;
        _eagerUnlimited |= _options.EagerPush && local;
    }

    /// <summary>
    /// The next round whose <see cref="GossipStep"/> sends: the next one while anything is hot (rumors, events, data
    /// versions with transmissions left) or the mode exchanges every round; <see cref="long.MaxValue"/> otherwise.
    /// </summary>
    public long NextWorkRound(long round)
    {
        DisseminationMode mode = _options.Mode;
        bool hot = _rumors.HotCount > 0 || _events.Count > 0 || _data.HotCount > 0;
        bool everyRound = mode == DisseminationMode.Pull || (mode == DisseminationMode.PushPull && _options.ExchangeWhenIdle);
        return hot || everyRound ? round + 1 : long.MaxValue;
    }

    /// <summary>The round's exchange with up to fanout peers: push what we spread, ask for what they spread, or both.</summary>
    public void GossipStep()
    {
        DisseminationMode mode = _options.Mode;
        bool hot = _rumors.HotCount > 0 || _events.Count > 0 || _data.HotCount > 0;
        bool push = mode != DisseminationMode.Pull;
        bool pull = mode != DisseminationMode.Push;
        bool exchange = mode switch
        {
            DisseminationMode.Push => hot,
            DisseminationMode.Pull => true,
            _ => hot || _options.ExchangeWhenIdle,
        };
        if (exchange)
        {
            ExchangeWithPeers(push, pull);
        }

        // Whatever eager push is still pending rode this round's gossip.
        _eagerPending = false;
        _eagerUnlimited = false;
    }

    /// <summary>
    /// Eager push: new rumors and events go to a few peers now instead of waiting for the next round. Suspicions alone
    /// are pushed at most once a round: in a burst of them (an overloaded host) every node forwarding every suspicion
    /// at once would multiply the load that caused the burst; the rest ride the round's gossip. Refutations, deaths
    /// and departures always go at once: holding back a refutation turned 3 false positives at 30 % loss into 41.
    /// </summary>
    public void FlushEager()
    {
        if (!_eagerPending || _node.Stopped || (!_eagerUnlimited && _eventPushRound == _node.Round))
        {
            return;
        }

        _eagerPending = false;
        _eagerUnlimited = false;
        _eventPushRound = _node.Round;
        foreach (Member peer in _members.GossipPeers.NextDistinct(_options.EagerPushFanout))
        {
            SendGossip(peer.Address, peer.Id, push: true, pull: false);
        }
    }

    /// <summary>Takes the rumors of a Rumors section; new ones are delivered (in order per origin, see <see cref="BroadcastBackstop"/>) and spread on.</summary>
    public void OnRumors(ref GossipReader reader)
    {
        _ = reader.TryReadCount(_limits.MaxListCount, out int count);
        int limit = RetransmitLimit;
        for (int i = 0; i < count; i++)
        {
            _ = Rumor.TryRead(ref reader, _limits, out Rumor rumor);
            if (!_broadcasts.Receive(rumor, recovered: false)
                || !TryAddRumor(new RumorId(rumor.Origin, rumor.Sequence, rumor.Generation), rumor.Payload, limit))
            {
                continue;
            }

            _eagerPending |= _options.EagerPush;
            _eagerUnlimited |= _options.EagerPush;
        }
    }

    /// <summary>Answers a pull with the rumors we spread, unless the asker's digest shows it has the same set.</summary>
    public void OnRumorPull(in RumorPull pull, WireAddress replyTo, NodeId requester)
    {
        if ((_rumors.HotCount == 0 && _data.HotCount == 0) || pull.HotDigest == HotDigest)
        {
            return;
        }

        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (_rumors.HotCount > 0 && sections.TryBegin(ref writer, MessageType.Rumors))
        {
            FrameComposer.EndIfAny(ref writer, ref sections, _rumors.WriteHot(ref writer, _limits.MaxListCount));
        }

        WriteData(ref writer, ref sections);

        if (sections.Count > 0)
        {
            _frames.Send(replyTo, requester, ref writer, sections.Count);
        }
    }

    /// <summary>
    /// Adds the membership events and hot rumors that fit, spending their transmit budgets. While rumors are hot,
    /// events get at most half the room left: a backlog of events (the joins of a forming cluster, thousands of them,
    /// each sent log n times) would otherwise fill every frame and starve the rumors until their budgets ran out.
    /// </summary>
    public void WritePiggyback(ref GossipWriter writer, ref SectionWriter sections, bool rumors = true)
    {
        int eventBytes = rumors && (_rumors.HotCount > 0 || _data.HotCount > 0) ? writer.Remaining / 2 : int.MaxValue;
        if (_events.Count > 0 && sections.TryBegin(ref writer, MessageType.Membership))
        {
            FrameComposer.EndIfAny(ref writer, ref sections, _events.Write(ref writer, _limits.MaxListCount, eventBytes));
        }

        if (rumors && _rumors.HotCount > 0 && sections.TryBegin(ref writer, MessageType.Rumors))
        {
            FrameComposer.EndIfAny(ref writer, ref sections, _rumors.WriteHot(ref writer, _limits.MaxListCount));
        }

        if (rumors)
        {
            WriteData(ref writer, ref sections);
        }
    }

    private void WriteData(ref GossipWriter writer, ref SectionWriter sections)
    {
        if (_data.HotCount > 0 && sections.TryBegin(ref writer, MessageType.DataEntries))
        {
            FrameComposer.EndIfAny(ref writer, ref sections, _data.WriteHot(ref writer, _limits.MaxListCount));
        }
    }

    // Kept out of GossipStep so that an idle node's round does not pay for the picking loop's frame.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ExchangeWithPeers(bool push, bool pull)
    {
        foreach (Member peer in _members.GossipPeers.NextDistinct(_options.Fanout))
        {
            SendGossip(peer.Address, peer.Id, push, pull);
        }
    }

    private void SendGossip(WireAddress destination, NodeId receiver, bool push, bool pull)
    {
        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (pull && sections.TryBegin(ref writer, MessageType.RumorPull)
            && new RumorPull(HotDigest, (uint)_frames.DatagramBytes).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        WritePiggyback(ref writer, ref sections, rumors: push);
        if (sections.Count > 0)
        {
            _frames.Send(destination, receiver, ref writer, sections.Count);
        }
    }

    private bool TryAddRumor(RumorId id, ReadOnlySpan<byte> payload, int transmits)
    {
        long retiredBefore = _rumors.RetiredEarly;
        bool added = _rumors.TryAdd(id, payload, transmits);
        if (_rumors.RetiredEarly != retiredBefore)
        {
            // The buffer was full: the rumor with the least budget left made room.
            _counters.RumorsRetiredEarlyValue++;
            Interlocked.Increment(ref _counters.LimitHitsValue);
        }

        return added;
    }

    private void CountDroppedEvents()
    {
        // A full event queue is a bounded structure at its limit.
        if (_events.Dropped != _eventsDroppedSeen)
        {
            Interlocked.Add(ref _counters.LimitHitsValue, _events.Dropped - _eventsDroppedSeen);
            _eventsDroppedSeen = _events.Dropped;
        }
    }
}
