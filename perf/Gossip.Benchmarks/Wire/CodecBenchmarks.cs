using BenchmarkDotNet.Attributes;
using Gossip.Wire;

namespace Gossip.Benchmarks.Wire;

/// <summary>
/// Encode (write body + seal) and decode (open + validate + read every item) of each message type, as whole frames,
/// plain (CRC-32) and with AES-GCM. Throughput in GB/s is FrameBytes / mean time; FrameBytes is printed per case.
/// Encrypted decodes go through the replay window as a node's do: they cycle through 1,024 frames sealed with distinct
/// counters, and the window's history is cleared (without allocating) each time the cycle starts over.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private readonly byte[] _frame = new byte[1 << 16];
    private readonly byte[] _encoded = new byte[1 << 16];
    private FrameCodec _codec = null!;
    private KeyRing? _keys;
    private const int Sealed = 1_024;
    private FrameCodec _decoder = null!;
    private byte[][] _sealed = [];
    private int _next;
    private int _length;
    private byte[] _payload = [];

    [Params("Ping", "Digest128Datagram", "Digest128Stream", "RumorBatchFull", "Membership", "Aggregation", "MerkleRanges", "DeltaAck")]
    public string Message { get; set; } = "Ping";

    [Params(false, true)]
    public bool Encrypted { get; set; }

    /// <summary>Bytes of the encoded frame (for GB/s).</summary>
    public int FrameBytes => _length;

    [GlobalSetup]
    public void Setup()
    {
        _keys = Encrypted ? new KeyRing(1, new byte[32]) : null;
        _codec = new FrameCodec(1, _keys, WireLimits.Stream);
        _payload = new byte[100];
        _length = Encode();
        _frame.AsSpan(0, _length).CopyTo(_encoded);
        _decoder = new FrameCodec(1, _keys, WireLimits.Stream) { LocalId = new NodeId(2) };
        _sealed = new byte[Encrypted ? Sealed : 1][];
        _sealed[0] = _encoded.AsSpan(0, _length).ToArray();
        for (int i = 1; i < _sealed.Length; i++)
        {
            _sealed[i] = _frame.AsSpan(0, Encode()).ToArray();
        }

        Console.WriteLine($"// {Message} encrypted={Encrypted}: {_length} frame bytes");
    }

    [GlobalCleanup]
    public void Cleanup() => _keys?.Dispose();

    [Benchmark]
    public int Encode()
    {
        int capacity = Message == "Digest128Stream" ? _frame.Length : 1_400;
        var writer = new GossipWriter(_codec.BodySpan(_frame.AsSpan(0, capacity)));
        MessageType type = WriteBody(ref writer);
        return _codec.Seal(_frame, type, FrameFlags.None, new NodeId(1), 1, new NodeId(2), writer.Position);
    }

    [Benchmark]
    public int Decode()
    {
        // Encrypted frames are decrypted in place, so decode a fresh copy each time (the copy is part of the cost).
        Span<byte> frame = _frame.AsSpan(0, _length);
        _sealed[_next].AsSpan().CopyTo(frame);
        if (++_next == _sealed.Length)
        {
            _next = 0;
            _decoder.ForgetReplayHistoryForBenchmark();
        }

        if (_decoder.Open(frame, out FrameHeader header, out ReadOnlySpan<byte> body) != WireStatus.Ok)
        {
            return -1;
        }

        return BodyValidator.Validate(header.Type, body, _decoder.Limits) == WireStatus.Ok ? body.Length : -2;
    }

    private MessageType WriteBody(ref GossipWriter writer)
    {
        switch (Message)
        {
            case "Ping":
                new Ping(300, 12_345).TryWrite(ref writer);
                return MessageType.Ping;
            case "Digest128Datagram":
            case "Digest128Stream":
            {
                ListWriter.TryBegin(ref writer, out ListWriter list);
                for (int i = 1; i <= 128 && new DigestEntry(new NodeId((ulong)i * 0x9E3779B97F4A7C15UL), 1_700_000_000, MemberStatus.Alive, 50_000, 12).TryWrite(ref writer); i++)
                {
                    list.Add();
                }

                list.End(ref writer);
                return MessageType.DigestSyn;
            }

            case "RumorBatchFull":
            {
                ListWriter.TryBegin(ref writer, out ListWriter list);
                for (uint i = 0; new Rumor(new NodeId(9), 1, i, _payload).TryWrite(ref writer); i++)
                {
                    list.Add();
                }

                list.End(ref writer);
                return MessageType.Rumors;
            }

            case "Membership":
            {
                ListWriter.TryBegin(ref writer, out ListWriter list);
                WireAddress address = WireAddress.FromBytes([127, 0, 0, 1], 7946);
                for (uint i = 1; i <= 16 && new MembershipEvent(MembershipEventKind.Alive, new NodeId(i), 1, i, new NodeId(1), address).TryWrite(ref writer); i++)
                {
                    list.Add();
                }

                list.End(ref writer);
                return MessageType.Membership;
            }

            case "Aggregation":
                new AggregateShare(3, 1.5, 0.5, 0.25, 0.125, -1, 1).TryWrite(ref writer);
                return MessageType.Aggregation;
            case "MerkleRanges":
            {
                ListWriter.TryBegin(ref writer, out ListWriter list);
                for (ulong i = 0; i < 16 && new MerkleRange(i << 60, (i << 60) + ((1UL << 60) - 1), 4, 100, i * 31).TryWrite(ref writer); i++)
                {
                    list.Add();
                }

                list.End(ref writer);
                return MessageType.MerkleRanges;
            }

            default:
            {
                ListWriter.TryBegin(ref writer, out ListWriter requests);
                requests.End(ref writer);
                ListWriter.TryBegin(ref writer, out ListWriter deltas);
                new NodeStateHeader(new NodeId(5), 1, MemberStatus.Alive, 10, WireAddress.FromBytes([127, 0, 0, 1], 7946)).TryWrite(ref writer);
                ListWriter.TryBegin(ref writer, out ListWriter entries);
                for (ulong v = 1; v <= 20 && new KeyValueEntry("some-key"u8, _payload.AsSpan(0, 40), v, false).TryWrite(ref writer); v++)
                {
                    entries.Add();
                }

                entries.End(ref writer);
                deltas.Add();
                deltas.End(ref writer);
                return MessageType.DigestAck;
            }
        }
    }
}
