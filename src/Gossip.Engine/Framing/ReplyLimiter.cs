using Gossip.Wire;

namespace Gossip.Engine.Framing;

/// <summary>
/// Per-source rate limit on answers to sources that are not live members at their address: a token bucket per
/// source address in a fixed table of <see cref="Slots"/> (a source hashes to one slot and takes it over from
/// whichever address held it, so the table never grows), and one bucket for all such sources together. Members are
/// never limited here: their traffic is bounded by the protocol (fanout, probe interval). Owner thread only.
/// </summary>
internal sealed class ReplyLimiter
{
    /// <summary>Sources tracked at once; a colliding source takes the slot over with a fresh (full) bucket.</summary>
    public const int Slots = 1_024;

    /// <summary>Answers one unknown source may draw in a burst.</summary>
    public const int BurstPerSource = 8;

    /// <summary>Answers per second one unknown source may draw in the long run.</summary>
    public const int PerSourcePerSecond = 4;

    /// <summary>Answers per second all unknown sources together may draw (a burst of as many).</summary>
    public const int TotalPerSecond = 256;

    private readonly TimeProvider _time;
    private readonly WireAddress[] _sources = new WireAddress[Slots];
    private readonly double[] _tokens = new double[Slots];
    private readonly long[] _refilled = new long[Slots];
    private double _totalTokens = TotalPerSecond;
    private long _totalRefilled;

    public ReplyLimiter(TimeProvider time)
    {
        _time = time;
        _totalRefilled = time.GetTimestamp();
    }

    /// <summary>Takes one answer's token for <paramref name="source"/>; false when its bucket or the shared one is empty.</summary>
    public bool TryTake(WireAddress source)
    {
        long now = _time.GetTimestamp();
        double frequency = _time.TimestampFrequency;
        _totalTokens = Math.Min(TotalPerSecond, _totalTokens + ((now - _totalRefilled) / frequency * TotalPerSecond));
        _totalRefilled = now;

        int slot = SlotOf(source);
        if (_sources[slot] != source)
        {
            _sources[slot] = source;
            _tokens[slot] = BurstPerSource;
        }
        else
        {
            _tokens[slot] = Math.Min(BurstPerSource, _tokens[slot] + ((now - _refilled[slot]) / frequency * PerSourcePerSecond));
        }

        _refilled[slot] = now;
        if (_tokens[slot] < 1 || _totalTokens < 1)
        {
            return false;
        }

        _tokens[slot] -= 1;
        _totalTokens -= 1;
        return true;
    }

    /// <summary>FNV-1a of the address bytes and port: the same slot on every run (simulations must replay bit for bit).</summary>
    private static int SlotOf(WireAddress source)
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = source.CopyAddressBytes(bytes);
        uint hash = 2166136261;
        for (int i = 0; i < length; i++)
        {
            hash = (hash ^ bytes[i]) * 16777619;
        }

        hash = (hash ^ (uint)source.Port) * 16777619;
        return (int)(hash % Slots);
    }
}
