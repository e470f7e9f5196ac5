namespace Gossip.Wire;

/// <summary>Flag bits of the frame header.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>Plain frame with a CRC-32 trailer.</summary>
    None = 0,
    /// <summary>The body is AES-GCM ciphertext; the header is the associated data; a nonce precedes the body and a 16-byte tag follows it.</summary>
    Encrypted = 1,
}
