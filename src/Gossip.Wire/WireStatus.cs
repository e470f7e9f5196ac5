namespace Gossip.Wire;

/// <summary>Outcome of every <c>TryRead*</c>, <c>TryWrite*</c> and frame operation. Hostile input maps to a status, never an exception.</summary>
public enum WireStatus : byte
{
    /// <summary>The operation succeeded.</summary>
    Ok = 0,
    /// <summary>The input ended before the value or frame was complete.</summary>
    Truncated,
    /// <summary>The frame does not start with the Gossip.Perf magic bytes.</summary>
    BadMagic,
    /// <summary>The frame's protocol version is not one this build speaks.</summary>
    UnsupportedVersion,
    /// <summary>The frame belongs to another cluster id.</summary>
    WrongCluster,
    /// <summary>The trailer checksum does not match the frame bytes.</summary>
    BadChecksum,
    /// <summary>The AES-GCM tag did not verify, the key id is unknown, or the frame was plain where a key is required.</summary>
    AuthenticationFailed,
    /// <summary>A length or count exceeds the configured <see cref="WireLimits"/>.</summary>
    LimitExceeded,
    /// <summary>The bytes are structurally invalid (bad enum, overlong varint, trailing bytes, unknown message type).</summary>
    Malformed,
    /// <summary>Writing: the value does not fit in the remaining space; the writer is unchanged.</summary>
    DoesNotFit,
    /// <summary>The frame was already seen: its counter is marked in the sender's replay window, or it comes from an older generation of its sender.</summary>
    Replayed,
    /// <summary>The frame's counter is behind its sender's replay window (more than 1,984 counters older than the newest frame accepted from that sender).</summary>
    TooOld,
}
