using Gossip.Engine.FailureDetection;
using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine;

// Receive path: frame check (magic, version, cluster, checksum or AES-GCM), a full validation of every section
// before anything is applied (a frame bad anywhere changes nothing), then dispatch section by section.
public sealed partial class GossipNode
{
    internal void HandleFrame(WireAddress source, Span<byte> frame, bool viaStream)
    {
        if (_stopped)
        {
            return;
        }

        WireStatus status = _codec.Open(frame, out FrameHeader header, out ReadOnlySpan<byte> body);
        if (status == WireStatus.Ok)
        {
            status = BodyValidator.Validate(header.Type, body, _limits);
        }

        if (status == WireStatus.Ok && header.Sender == Id)
        {
            status = WireStatus.Malformed;
        }

        if (status != WireStatus.Ok)
        {
            Counters.Drop(status);
            Log.Dropped(_logger, source, status);
            return;
        }

        Counters.FramesReceivedValue++;
        _table.TryGet(header.Sender, out Member? sender);
        if (sender is not null && sender.Generation > header.Generation)
        {
            // A frame from an older incarnation of a restarted node: its news is stale.
            Counters.Drop(WireStatus.Replayed);
            return;
        }

        WireAddress replyTo = viaStream ? sender?.Address ?? default : source;
        var sections = new SectionReader(header.Type, body, _limits);
        MerkleRange range = default;
        MerkleRange rest = default;
        while (sections.TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done) == WireStatus.Ok && !done)
        {
            var reader = new GossipReader(payload);
            switch (type)
            {
                case MessageType.Ping:
                    _ = Ping.TryRead(ref reader, out Ping ping);
                    OnPing(ping, header, sender, replyTo);
                    break;
                case MessageType.Ack:
                    _ = Ack.TryRead(ref reader, out Ack ack);
                    OnAck(ack, header, sender, replyTo);
                    break;
                case MessageType.RelayedAck:
                    _ = RelayedAck.TryRead(ref reader, out RelayedAck relayed);
                    OnRelayedAck(relayed);
                    break;
                case MessageType.PingReq:
                    _ = PingReq.TryRead(ref reader, out PingReq request);
                    OnPingReq(request, replyTo);
                    break;
                case MessageType.Membership:
                    OnMembership(ref reader, replyTo);
                    break;
                case MessageType.Rumors:
                    OnRumors(ref reader);
                    break;
                case MessageType.RumorPull:
                    _ = RumorPull.TryRead(ref reader, out RumorPull pull);
                    OnRumorPull(pull, replyTo);
                    break;
                case MessageType.MerkleRanges:
                    // A SYN's ranges: its digest's, then the rest of the table; an ACK's: where to sweep on.
                    _ = reader.TryReadCount(_limits.MaxListCount, out int ranges);
                    if (ranges > 0)
                    {
                        _ = MerkleRange.TryRead(ref reader, _limits, out range);
                    }

                    if (ranges > 1)
                    {
                        _ = MerkleRange.TryRead(ref reader, _limits, out rest);
                    }

                    break;
                case MessageType.DigestSyn:
                    OnDigestSyn(replyTo, range, rest, payload);
                    break;
                case MessageType.DigestAck:
                    OnDigestAck(replyTo, header.Sender, range, payload);
                    break;
                case MessageType.DigestAck2:
                    OnDigestAck2(payload);
                    break;
                case MessageType.Aggregation:
                    _ = AggregateShare.TryRead(ref reader, out AggregateShare share);
                    _aggregator.Receive(share, IsAggregationLeader());
                    break;
            }
        }

        FlushEager();
        PublishViews(endOfRound: false);
    }

    private void OnPing(in Ping ping, in FrameHeader header, Member? sender, WireAddress replyTo)
    {
        if (sender is not null)
        {
            ObserveHeartbeat(sender, header.Generation, ping.Heartbeat);
        }

        SendAck(replyTo, ping.Sequence);
    }

    /// <summary>A direct ack: the frame's sender is the node proven alive.</summary>
    private void OnAck(in Ack ack, in FrameHeader header, Member? sender, WireAddress replyTo)
    {
        NodeId subject = header.Sender;
        if (sender is not null)
        {
            ObserveHeartbeat(sender, header.Generation, ack.Heartbeat);
        }

        AckProbes(ack.Sequence, subject);
        if (_relays.TryTake(ack.Sequence, subject, _round - (4 * _options.ProbeTimeoutRounds), out WireAddress requester, out uint requesterSequence))
        {
            SendRelayedAck(requester, requesterSequence, subject, ack.Heartbeat);
            return;
        }

        // A different table hash means we disagree on something; reconcile.
        if (ack.TableHash != (uint)_table.Hash && _round - _lastSyncRound >= _options.SyncEveryRounds)
        {
            SendSyncRequest(sender?.Address ?? replyTo);
        }
    }

    private void OnRelayedAck(in RelayedAck ack)
    {
        if (_table.TryGet(ack.Subject, out Member? subject))
        {
            ObserveHeartbeat(subject, subject.Generation, ack.Heartbeat);
        }

        AckProbes(ack.Sequence, ack.Subject);
    }

    private void AckProbes(uint sequence, NodeId subject)
    {
        for (int i = 0; i < _probes.Length; i++)
        {
            ref PendingProbe probe = ref _probes[i];
            if (probe.Target is { } target && sequence == probe.Sequence && subject == target.Id)
            {
                probe.Acked = true;
            }
        }
    }

    private void OnPingReq(in PingReq request, WireAddress replyTo)
    {
        if (request.Target == Id || request.TargetAddress.IsNone)
        {
            return;
        }

        uint sequence = ++_probeSequence;
        _relays.Add(sequence, replyTo, request.Sequence, request.Target, _round);
        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Ping) && new Ping(sequence, _self.Heartbeat).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        SendFrame(request.TargetAddress, ref writer, sections.Count);
    }

    private void OnMembership(ref GossipReader reader, WireAddress replyTo)
    {
        _ = reader.TryReadCount(_limits.MaxListCount, out int count);
        for (int i = 0; i < count; i++)
        {
            _ = MembershipEvent.TryRead(ref reader, out MembershipEvent membershipEvent);
            ApplyEvent(membershipEvent, fromPeer: true, replyTo);
        }
    }

    private void OnRumors(ref GossipReader reader)
    {
        _ = reader.TryReadCount(_limits.MaxListCount, out int count);
        int limit = RetransmitLimit;
        for (int i = 0; i < count; i++)
        {
            _ = Rumor.TryRead(ref reader, _limits, out Rumor rumor);
            var id = new RumorId(rumor.Origin, rumor.Sequence);
            if (rumor.Origin == Id || !_rumors.TryAdd(id, rumor.Payload, limit))
            {
                continue;
            }

            Counters.RumorsReceivedValue++;
            _eagerPending |= _options.EagerPush;
            _eagerUnlimited |= _options.EagerPush;
            if (_options.EventCapacity > 0)
            {
                Notify(GossipEventKind.RumorReceived, rumor.Origin, rumor: id, payload: rumor.Payload.ToArray());
            }
        }
    }

    private void OnRumorPull(in RumorPull pull, WireAddress replyTo)
    {
        if (_rumors.HotCount == 0 || pull.HotDigest == _rumors.HotDigest)
        {
            return;
        }

        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Rumors))
        {
            EndIfAny(ref writer, ref sections, _rumors.WriteHot(ref writer, _limits.MaxListCount));
        }

        if (sections.Count > 0)
        {
            SendFrame(replyTo, ref writer, sections.Count);
        }
    }
}
