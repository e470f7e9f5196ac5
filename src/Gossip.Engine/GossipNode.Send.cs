using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine;

// Frame composition: every frame is a Compound of a primary section plus as much piggyback (membership events
// first, then rumors) as fits the datagram cap. All writing goes straight into the node's one send buffer.
public sealed partial class GossipNode
{
    private GossipWriter BeginFrame() => new(_codec.BodySpan(_sendBuffer));

    private void SendFrame(WireAddress destination, ref GossipWriter writer, int sectionCount)
    {
        MessageType type = MessageType.Compound;
        int bodyLength = writer.Position;
        if (sectionCount == 1)
        {
            // A lone section travels as a plain frame of its type: 3 bytes less on every quiet-cluster probe and ack.
            Span<byte> body = _codec.BodySpan(_sendBuffer);
            type = (MessageType)body[0];
            bodyLength -= 3;
            body.Slice(3, bodyLength).CopyTo(body);
        }

        int length = _codec.Seal(_sendBuffer, type, FrameFlags.None, Id, Generation, bodyLength);
        if (length > 0 && !destination.IsNone && _transport.Send(destination, _sendBuffer.AsSpan(0, length)))
        {
            Counters.FramesSentValue++;
        }
    }

    /// <summary>
    /// Adds the membership events and hot rumors that fit, spending their transmit budgets. While rumors are hot,
    /// events get at most half the room left: a backlog of events (the joins of a forming cluster, thousands of them,
    /// each sent log n times) would otherwise fill every frame and starve the rumors until their budgets ran out.
    /// </summary>
    private void WritePiggyback(ref GossipWriter writer, ref SectionWriter sections, bool rumors = true)
    {
        int eventBytes = rumors && _rumors.HotCount > 0 ? writer.Remaining / 2 : int.MaxValue;
        if (_membershipEvents.Count > 0 && sections.TryBegin(ref writer, MessageType.Membership))
        {
            EndIfAny(ref writer, ref sections, _membershipEvents.Write(ref writer, _limits.MaxListCount, eventBytes));
        }

        if (rumors && _rumors.HotCount > 0 && sections.TryBegin(ref writer, MessageType.Rumors))
        {
            EndIfAny(ref writer, ref sections, _rumors.WriteHot(ref writer, _limits.MaxListCount));
        }
    }

    /// <summary>Closes a list section, or drops it when no item fitted (a bare count carries nothing).</summary>
    private static void EndIfAny(ref GossipWriter writer, ref SectionWriter sections, int items)
    {
        if (items > 0)
        {
            sections.End(ref writer);
        }
        else
        {
            sections.Cancel(ref writer);
        }
    }

    private void SendPing(Member target, uint sequence)
    {
        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Ping) && new Ping(sequence, _self.Heartbeat).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        WritePiggyback(ref writer, ref sections);
        SendFrame(target.Address, ref writer, sections.Count);
    }

    private void SendAck(WireAddress destination, uint sequence)
    {
        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Ack) && new Ack(sequence, _self.Heartbeat, (uint)_table.Hash).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        WritePiggyback(ref writer, ref sections);
        SendFrame(destination, ref writer, sections.Count);
    }

    private void SendRelayedAck(WireAddress requester, uint requesterSequence, NodeId subject, ulong heartbeat)
    {
        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.RelayedAck) && new RelayedAck(requesterSequence, subject, heartbeat).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        WritePiggyback(ref writer, ref sections);
        SendFrame(requester, ref writer, sections.Count);
    }

    private void SendPingReq(Member helper, uint sequence, Member target)
    {
        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.PingReq) && new PingReq(sequence, target.Id, target.Address).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        WritePiggyback(ref writer, ref sections, rumors: false);
        SendFrame(helper.Address, ref writer, sections.Count);
    }

    /// <summary>One gossip exchange with a peer: push what we spread, ask for what the peer spreads, or both.</summary>
    private void SendGossip(WireAddress destination, bool push, bool pull)
    {
        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (pull && sections.TryBegin(ref writer, MessageType.RumorPull)
            && new RumorPull(_rumors.HotDigest, (uint)_sendBuffer.Length).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        WritePiggyback(ref writer, ref sections, rumors: push);
        if (sections.Count > 0)
        {
            SendFrame(destination, ref writer, sections.Count);
        }
    }

    private void SendEvents(WireAddress destination, in MembershipEvent membershipEvent)
    {
        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Membership) && ListWriter.TryBegin(ref writer, out ListWriter list)
            && membershipEvent.TryWrite(ref writer))
        {
            list.Add();
            list.End(ref writer);
            sections.End(ref writer);
        }

        SendFrame(destination, ref writer, sections.Count);
    }
}
