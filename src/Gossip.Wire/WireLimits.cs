namespace Gossip.Wire;

/// <summary>
/// Upper bounds checked before any length or count read from the wire is used. Defaults fit one
/// ~1,400-byte datagram; a TCP stream transfer uses <see cref="Stream"/>.
/// </summary>
public sealed record WireLimits
{
    /// <summary>Limits for datagrams: frames up to 1,400 bytes (fits a 1,500-byte MTU with IPv6 + UDP headers to spare).</summary>
    public static WireLimits Datagram { get; } = new();

    /// <summary>Limits for stream transfers (anti-entropy answers too large for a datagram): frames up to 1 MiB.</summary>
    public static WireLimits Stream { get; } = new() { MaxFrameBytes = 1 << 20, MaxListCount = 65_535 };

    /// <summary>Largest whole frame, header and trailer included. Default 1,400.</summary>
    public int MaxFrameBytes { get; init; } = 1_400;

    /// <summary>Largest item count of any list (digest entries, rumors, events, key/values). Default 1,024.</summary>
    public int MaxListCount { get; init; } = 1_024;

    /// <summary>Largest application-state key, in bytes (UTF-8). Default 255.</summary>
    public int MaxKeyBytes { get; init; } = 255;

    /// <summary>Largest application-state value or rumor payload, in bytes. Default 1,024.</summary>
    public int MaxValueBytes { get; init; } = 1_024;

    /// <summary>Largest number of sections in one compound frame. Default 16.</summary>
    public int MaxSections { get; init; } = 16;

    /// <summary>Largest depth a received range may carry (senders write 0 today: ranges are one flat level). Default 32.</summary>
    public int MaxMerkleDepth { get; init; } = 32;
}
