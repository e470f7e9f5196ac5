using Gossip.Wire;

namespace Gossip.Engine.Broadcasts;

/// <summary>
/// How far this node has delivered one origin process's broadcasts: every sequence up to <see cref="Frontier"/>, plus
/// those of the next <see cref="Window"/> that arrived before an earlier one (delivered on arrival, no per-origin order).
/// Delivery state is two integers and a bit mask, so no claim of any size makes it grow.
/// </summary>
internal sealed class BroadcastStream
{
    /// <summary>How far past the frontier a broadcast is delivered on arrival; beyond it, it is left to the backstop.</summary>
    public const int Window = 64;

    public BroadcastStream(StreamKey key, long round)
    {
        Key = key;
        LastRound = round;
    }

    public StreamKey Key { get; }

    public NodeId Origin => Key.Origin;

    public uint Generation => Key.Generation;

    /// <summary>Every sequence from 1 to this one has been delivered (or reported missing in a gap event).</summary>
    public uint Frontier { get; private set; }

    /// <summary>Bit i: sequence <see cref="Frontier"/> + 1 + i was delivered though an earlier one is missing.</summary>
    public ulong Ahead { get; private set; }

    /// <summary>The highest frontier a peer showed for this stream (clamped): while above <see cref="Frontier"/> this node is behind.</summary>
    public uint Target { get; private set; }

    /// <summary>The last round this stream advanced or was heard of (the least recent one is evicted when the table is full).</summary>
    public long LastRound { get; set; }

    /// <summary>Marks the streams named in the request being handled or the answer being written.</summary>
    public long Stamp { get; set; }

    /// <summary>While an answer is written: the requester's frontier, above which it lacks this stream's broadcasts.</summary>
    public uint AnswerFrom { get; set; }

    public bool IsBehind => Target > Frontier;

    /// <summary>A 64-bit mix of the stream and its frontier: the XOR over streams is what probes compare.</summary>
    public ulong Hash => Mix(Origin.Value ^ ((ulong)Generation << 32) ^ (Mix(Frontier) + 0x9E3779B97F4A7C15UL));

    public bool Has(uint sequence) => sequence <= Frontier || (IsInWindow(sequence) && (Ahead & Bit(sequence)) != 0);

    public bool IsInWindow(uint sequence) => sequence > Frontier && (ulong)sequence - Frontier <= Window;

    /// <summary>Records a delivery in the window: the frontier moves over every sequence delivered without a hole.</summary>
    public void Deliver(uint sequence)
    {
        Ahead |= Bit(sequence);
        while ((Ahead & 1) != 0)
        {
            Advance();
        }
    }

    /// <summary>True when the sequence after the frontier was delivered.</summary>
    public bool NextIsDelivered => (Ahead & 1) != 0;

    /// <summary>Moves the frontier up one (over a delivered sequence, or a missing one reported in a gap).</summary>
    public void Advance()
    {
        Frontier++;
        Ahead >>= 1;
    }

    /// <summary>Moves the frontier to <paramref name="sequence"/> when nothing ahead was delivered (every sequence skipped is missing).</summary>
    public void JumpTo(uint sequence)
    {
        Frontier = sequence;
        Ahead = 0;
    }

    /// <summary>Raises the target to a peer's frontier, believing at most <paramref name="maxLead"/> beyond our own; false when the claim was clamped.</summary>
    public bool RaiseTarget(uint claimed, uint maxLead)
    {
        ulong believed = Math.Min((ulong)claimed, (ulong)Frontier + maxLead);
        if (believed > Target)
        {
            Target = (uint)believed;
        }

        return believed == claimed;
    }

    private ulong Bit(uint sequence) => 1UL << (int)(sequence - Frontier - 1);

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
