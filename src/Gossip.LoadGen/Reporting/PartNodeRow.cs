namespace Gossip.LoadGen.Reporting;

/// <summary>One node of a <see cref="PartReport"/>: who it is, what it carried in the steady window, and how much of the cluster it saw.</summary>
internal sealed record PartNodeRow
{
    /// <summary>Node id, 16 hex digits.</summary>
    public required string Id { get; init; }

    /// <summary>Index in its process.</summary>
    public required int Index { get; init; }

    /// <summary>The address its peers use.</summary>
    public required string Address { get; init; }

    /// <summary>Wire bytes (payload + 28 per datagram, + stream bytes) sent + received in the window.</summary>
    public required long WireBytes { get; init; }

    /// <summary>Of <see cref="WireBytes"/>, the bytes carried on TCP streams (frames too large for a datagram).</summary>
    public required long StreamBytes { get; init; }

    /// <summary><see cref="WireBytes"/> / window seconds / 1,000.</summary>
    public required double KBps { get; init; }

    /// <summary>Datagrams sent in the window.</summary>
    public required long DatagramsSent { get; init; }

    /// <summary>Datagrams received in the window.</summary>
    public required long DatagramsReceived { get; init; }

    /// <summary>Rounds run in the window, read just outside its edges (the report's total is read inside them, so the rows may sum to a few more).</summary>
    public required long Rounds { get; init; }

    /// <summary>Live members it listed (itself included) when the window started.</summary>
    public required int LiveMembersAtWindowStart { get; init; }

    /// <summary>Live members it listed when the window ended.</summary>
    public required int LiveMembersAtWindowEnd { get; init; }
}
