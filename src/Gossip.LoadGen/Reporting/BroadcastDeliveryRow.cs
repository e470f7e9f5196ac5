namespace Gossip.LoadGen.Reporting;

/// <summary>
/// Broadcasts sent during one fault of <c>faults</c> (simulation): how many reached every member live at the end, how
/// long after origination the last of them had it, and whether any was delivered twice or reported as a gap.
/// </summary>
internal sealed record BroadcastDeliveryRow
{
    /// <summary>The fault, in words ("30 % loss", "half/half partition of 60 rounds", "pause of 10 rounds").</summary>
    public required string Fault { get; init; }

    public required int Nodes { get; init; }

    /// <summary>Broadcasts sent during the fault.</summary>
    public required int Broadcasts { get; init; }

    /// <summary>Broadcasts every member live at the end delivered (the origin excepted) within the limit.</summary>
    public required int DeliveredToAll { get; init; }

    /// <summary><see cref="DeliveredToAll"/> / <see cref="Broadcasts"/>.</summary>
    public required double DeliveredFraction { get; init; }

    /// <summary>Rounds from origination until the last live member delivered it; p100 is Infinity when one never was.</summary>
    public required double FullDeliveryP50Rounds { get; init; }

    public required double FullDeliveryP90Rounds { get; init; }

    public required double FullDeliveryP100Rounds { get; init; }

    /// <summary>The same, virtual milliseconds.</summary>
    public required double FullDeliveryP50Ms { get; init; }

    public required double FullDeliveryP90Ms { get; init; }

    public required double FullDeliveryP100Ms { get; init; }

    /// <summary>Deliveries of a broadcast a node had delivered before (the guarantee is 0).</summary>
    public required int DuplicateDeliveries { get; init; }

    /// <summary>Gap events raised (broadcasts no peer retained any more when a node asked).</summary>
    public required int Gaps { get; init; }

    /// <summary>Broadcasts delivered through the backstop rather than by rumor, summed over nodes.</summary>
    public required long Recovered { get; init; }
}
