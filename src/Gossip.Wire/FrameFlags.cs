namespace Gossip.Wire;

/// <summary>Flag bits of the frame header.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>Plain frame with a CRC-32 trailer.</summary>
    None = 0,
    /// <summary>The body is AES-GCM ciphertext; the header is the associated data; a nonce precedes the body and a 16-byte tag follows it.</summary>
    Encrypted = 1,

    /// <summary>
    /// Encrypted frames only: sealed for whichever node answers at the destination address (a request to a seed whose id
    /// the sender does not know yet), with receiver id 0 in the associated data instead of the receiver's own id. A
    /// receiver answers such a frame as it answers a stranger: no more bytes than the frame brought, never over a stream.
    /// </summary>
    AnyReceiver = 4,
}
