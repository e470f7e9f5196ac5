namespace Gossip.Wire;

/// <summary>The type byte of a frame header, and of each section inside a <see cref="Compound"/> frame.</summary>
public enum MessageType : byte
{
    /// <summary>Direct failure-detector probe.</summary>
    Ping = 1,
    /// <summary>Direct answer to a <see cref="Ping"/>, from the node proven alive.</summary>
    Ack = 2,
    /// <summary>Ask a helper to probe a target on the sender's behalf.</summary>
    PingReq = 3,
    /// <summary>Anti-entropy step 1: the initiator's digest.</summary>
    DigestSyn = 4,
    /// <summary>Anti-entropy step 2: what the initiator lacks (deltas) and what the responder wants (digest).</summary>
    DigestAck = 5,
    /// <summary>Anti-entropy step 3: the deltas the responder asked for.</summary>
    DigestAck2 = 6,
    /// <summary>A batch of user rumors.</summary>
    Rumors = 7,
    /// <summary>A batch of membership events (join, alive, suspect, dead, leave).</summary>
    Membership = 8,
    /// <summary>Push-sum aggregation share.</summary>
    Aggregation = 9,
    /// <summary>Hashed id ranges of the member table, leading an anti-entropy SYN or ACK (one flat level today, depth 0).</summary>
    MerkleRanges = 10,
    /// <summary>Pull request: "send me the rumors you are spreading that I lack".</summary>
    RumorPull = 11,
    /// <summary>A helper's answer to a <see cref="PingReq"/>: the target acked the helper's ping.</summary>
    RelayedAck = 12,
    /// <summary>
    /// How far the sender has delivered each origin's broadcasts (a list of <see cref="FrontierEntry"/>): a request for
    /// the broadcasts it lacks, or the answer telling the requester what the responder holds and retains.
    /// </summary>
    BroadcastFrontier = 13,
    /// <summary>Broadcasts sent to a node that is behind: delivered like rumors, not spread on.</summary>
    BroadcastRepairs = 14,
    /// <summary>Several sections in one frame: each is <c>[type:u8][length:u16 little-endian][payload]</c>.</summary>
    Compound = 15,
    /// <summary>A helper's answer to a <see cref="PingReq"/> whose target has not acked the helper (yet).</summary>
    Nack = 16,
    /// <summary>
    /// Replicated-data entries (a list of <see cref="DataEntry"/>), preceded by the tree subtrees they cover: a write
    /// spreading as a rumor (no subtrees), or a Merkle repair's exchange of the entries of differing subtrees.
    /// </summary>
    DataEntries = 17,
    /// <summary>One level of a Merkle repair's descent: the child hashes of the subtrees found to differ one level up.</summary>
    DataTreeLevel = 18,
}

/// <summary>Helpers over <see cref="MessageType"/>.</summary>
public static class MessageTypes
{
    /// <summary>True when <paramref name="value"/> names a defined message type.</summary>
    public static bool IsDefined(byte value) => value is >= 1 and <= 14 or (byte)MessageType.Compound or (byte)MessageType.Nack or (byte)MessageType.DataEntries or (byte)MessageType.DataTreeLevel;
}
