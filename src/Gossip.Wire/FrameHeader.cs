namespace Gossip.Wire;

/// <summary>
/// The fixed 22-byte frame header: magic "GP", version, type, flags, key id, cluster id, sender id, sender generation.
/// See docs/wire-format.md for the byte layout.
/// </summary>
public readonly record struct FrameHeader(MessageType Type, FrameFlags Flags, uint ClusterId, NodeId Sender, uint Generation)
{
    /// <summary>Encoded size of the header.</summary>
    public const int Size = 22;

    /// <summary>First magic byte ('G').</summary>
    public const byte Magic0 = 0x47;

    /// <summary>Second magic byte ('P').</summary>
    public const byte Magic1 = 0x50;

    /// <summary>
    /// The protocol version this build writes and accepts. 2: probes shrank (no target in a ping, no subject in a
    /// direct ack, a 32-bit table hash in the ack only; <see cref="MessageType.RelayedAck"/> for indirect probes).
    /// 3: a rumor carries its origin's generation, an ack a 32-bit broadcast-frontier hash, and two new sections
    /// (<see cref="MessageType.BroadcastFrontier"/>, <see cref="MessageType.BroadcastRepairs"/>) recover broadcasts.
    /// 4: a state delta says which version its entries start above (<see cref="NodeStateHeader.From"/>), and the
    /// replicated map's messages (<see cref="MessageType.DataEntries"/>, <see cref="MessageType.DataTreeLevel"/>, an
    /// optional data root at the end of an ack) are new.
    /// 5: an encrypted frame is bound to its receiver (the receiver's id follows the header in the associated data, so a
    /// frame captured on its way to one node does not open at another), and <see cref="FrameFlags.AnyReceiver"/> marks
    /// one sealed for whoever answers at an address.
    /// </summary>
    public const byte CurrentVersion = 5;

    /// <summary>Bytes of the associated data of an encrypted frame: the header, then the receiver's id (u64, 0 for <see cref="FrameFlags.AnyReceiver"/>).</summary>
    public const int AssociatedDataSize = Size + 8;
}
