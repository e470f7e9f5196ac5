using System.Buffers.Binary;
using System.IO.Hashing;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios.Hostile;

/// <summary>
/// The frames the hostile scenario sends: one well-formed request of every message type (sealed as a given sender
/// would seal it: a stranger in plaintext, or a member under the cluster key, as captured and replayed by an outsider),
/// forged membership notices, and fuzzed datagrams. Each builder returns a fresh array; none touches a node.
/// </summary>
internal sealed class AttackFrames(FrameCodec codec, NodeId sender, uint generation)
{
    /// <summary>The request types probed for amplification: every message type a node may answer, and a compound of the three that draw the largest answers.</summary>
    public static readonly MessageType[] ProbedTypes =
    [
        MessageType.Ping, MessageType.Ack, MessageType.PingReq, MessageType.DigestSyn, MessageType.DigestAck,
        MessageType.DigestAck2, MessageType.Rumors, MessageType.Membership, MessageType.Aggregation, MessageType.MerkleRanges,
        MessageType.RumorPull, MessageType.RelayedAck, MessageType.BroadcastFrontier, MessageType.BroadcastRepairs,
        MessageType.Compound, MessageType.Nack,
    ];

    /// <summary>
    /// A request of <paramref name="type"/> built to draw the largest answer the protocol gives: a SYN with an empty
    /// digest over the whole id range (the peer "lacks everything"), an ACK requesting the victim's own state, a pull
    /// whose digest matches nothing, a frontier request claiming no progress, a ping-req naming a live member. Sealed for
    /// <paramref name="receiver"/> (under a key, it opens only there; <see cref="NodeId.None"/>: for any receiver, as a
    /// join's request to a seed is).
    /// </summary>
    public byte[] Request(MessageType type, uint sequence, NodeId victim, NodeId liveMember, WireAddress liveMemberAddress, NodeId receiver = default)
    {
        byte[] frame = new byte[1_400];
        var writer = new GossipWriter(codec.BodySpan(frame));
        var sections = new SectionWriter();
        MessageType sealedAs = type;
        switch (type)
        {
            case MessageType.Compound:
                Section(ref writer, ref sections, MessageType.Ping, (ref GossipWriter w) => new Ping(sequence, 1).TryWrite(ref w));
                Section(ref writer, ref sections, MessageType.MerkleRanges, WholeRange);
                Section(ref writer, ref sections, MessageType.DigestSyn, EmptyList);
                Section(ref writer, ref sections, MessageType.RumorPull, (ref GossipWriter w) => new RumorPull(0x5A5A_5A5A_5A5A_5A5A, 1_400).TryWrite(ref w));
                Section(ref writer, ref sections, MessageType.BroadcastFrontier, FrontierRequest);
                break;
            case MessageType.DigestSyn:
                // A SYN travels after its range; sent as a compound, as nodes send it.
                sealedAs = MessageType.Compound;
                Section(ref writer, ref sections, MessageType.MerkleRanges, WholeRange);
                Section(ref writer, ref sections, MessageType.DigestSyn, EmptyList);
                break;
            default:
                Write(ref writer, type, sequence, victim, liveMember, liveMemberAddress);
                break;
        }

        int length = codec.Seal(frame, sealedAs, FrameFlags.None, sender, generation, receiver, writer.Position);
        return frame[..length];
    }

    /// <summary>A membership notice (a forged death, departure, suspicion, or a join claiming a member's id at another address or generation).</summary>
    public byte[] Notice(in MembershipEvent notice, NodeId receiver)
    {
        byte[] frame = new byte[256];
        var writer = new GossipWriter(codec.BodySpan(frame));
        if (ListWriter.TryBegin(ref writer, out ListWriter list) && notice.TryWrite(ref writer))
        {
            list.Add();
            list.End(ref writer);
        }

        int length = codec.Seal(frame, MessageType.Membership, FrameFlags.None, sender, generation, receiver, writer.Position);
        return frame[..length];
    }

    /// <summary>
    /// A fuzzed datagram: a valid template with bytes flipped, cut or extended, or random bytes under a valid header;
    /// in plaintext, one in two gets a correct CRC-32 so it reaches the body checks (as the fuzzing did).
    /// </summary>
    public static byte[] Fuzz(Random random, byte[] template, bool plaintext)
    {
        byte[] frame;
        switch (random.Next(4))
        {
            case 0:
                frame = (byte[])template.Clone();
                for (int flips = 1 + random.Next(4); flips > 0; flips--)
                {
                    frame[random.Next(frame.Length)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 1:
                frame = template[..random.Next(template.Length)];
                break;
            case 2:
                frame = new byte[template.Length + 1 + random.Next(64)];
                template.CopyTo(frame, 0);
                random.NextBytes(frame.AsSpan(template.Length));
                break;
            default:
                frame = new byte[FrameHeader.Size + random.Next(1_200)];
                random.NextBytes(frame);
                template.AsSpan(0, FrameHeader.Size).CopyTo(frame);
                frame[3] = (byte)(1 + random.Next(16));
                break;
        }

        if (plaintext && frame.Length > FrameHeader.Size + 4 && random.Next(2) == 0)
        {
            uint crc = Crc32.HashToUInt32(frame.AsSpan(0, frame.Length - 4));
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(frame.Length - 4), crc);
        }

        return frame;
    }

    private delegate bool BodyWriter(ref GossipWriter writer);

    private static void Section(ref GossipWriter writer, ref SectionWriter sections, MessageType type, BodyWriter body)
    {
        if (sections.TryBegin(ref writer, type) && body(ref writer))
        {
            sections.End(ref writer);
        }
    }

    private static bool WholeRange(ref GossipWriter writer)
    {
        if (!ListWriter.TryBegin(ref writer, out ListWriter list) || !new MerkleRange(0, ulong.MaxValue, 0, 0, 0).TryWrite(ref writer))
        {
            return false;
        }

        list.Add();
        list.End(ref writer);
        return true;
    }

    private static bool EmptyList(ref GossipWriter writer)
    {
        if (!ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            return false;
        }

        list.End(ref writer);
        return true;
    }

    private static bool FrontierRequest(ref GossipWriter writer)
    {
        // Flags: Complete (the list names every stream we track: none), so the responder lists every stream it is ahead on.
        return writer.TryWriteByte(1) && EmptyList(ref writer);
    }

    private static void Write(ref GossipWriter writer, MessageType type, uint sequence, NodeId victim, NodeId liveMember, WireAddress liveMemberAddress)
    {
        _ = type switch
        {
            MessageType.Ping => new Ping(sequence, 1).TryWrite(ref writer),
            MessageType.Ack => new Ack(sequence, 1, 0x1234_5678, 0x9ABC_DEF0).TryWrite(ref writer),
            MessageType.PingReq => new PingReq(sequence, liveMember, liveMemberAddress).TryWrite(ref writer),
            MessageType.DigestAck => DigestAckRequestingStateOf(ref writer, victim),
            MessageType.DigestAck2 or MessageType.Rumors or MessageType.Membership or MessageType.BroadcastRepairs => EmptyList(ref writer),
            MessageType.Aggregation => new AggregateShare(1, 0, 0, 0, 0, 0, 0).TryWrite(ref writer),
            MessageType.MerkleRanges => WholeRange(ref writer),
            MessageType.RumorPull => new RumorPull(0x5A5A_5A5A_5A5A_5A5A, 1_400).TryWrite(ref writer),
            MessageType.RelayedAck => new RelayedAck(sequence, liveMember, 1).TryWrite(ref writer),
            MessageType.BroadcastFrontier => FrontierRequest(ref writer),
            MessageType.Nack => new Nack(sequence, liveMember).TryWrite(ref writer),
            _ => false,
        };
    }

    private static bool DigestAckRequestingStateOf(ref GossipWriter writer, NodeId victim)
    {
        // Requests: the victim's entry at generation 0, version 0 (send me all of it); then no deltas.
        if (!ListWriter.TryBegin(ref writer, out ListWriter requests) || !new DigestEntry(victim, 0, MemberStatus.Alive, 0, 0).TryWrite(ref writer))
        {
            return false;
        }

        requests.Add();
        requests.End(ref writer);
        return EmptyList(ref writer);
    }
}
