using BenchmarkDotNet.Attributes;
using Gossip.Wire;

namespace Gossip.Benchmarks.Wire;

/// <summary>
/// What a frame costs the node that refuses it, with a key ring (the default): garbage that fails the header checks,
/// an outsider's frame naming a sender the node already holds a window and key for, and one naming a sender it has
/// never authenticated (a key derivation and an AES-GCM context before the tag is found wrong), against a genuine
/// ping opened and accepted. The outsider's CPU cost per datagram sent is the figure: nothing here is answered.
/// </summary>
[MemoryDiagnoser]
public class RefusedFrameBenchmarks
{
    private static readonly NodeId Receiver = new(2);
    private static readonly NodeId KnownSender = new(1);
    private readonly byte[] _frame = new byte[256];
    private KeyRing _keys = null!;
    private KeyRing _outsiderKeys = null!;
    private FrameCodec _receiver = null!;
    private byte[] _garbage = [];
    private byte[] _forgedKnown = [];
    private byte[] _forgedUnknown = [];
    private byte[][] _genuine = [];
    private int _next;
    private ulong _unknownSender = 1UL << 40;

    [GlobalSetup]
    public void Setup()
    {
        _keys = new KeyRing(1, new byte[32]);
        _outsiderKeys = new KeyRing(1, Enumerable.Repeat((byte)7, 32).ToArray());
        _receiver = new FrameCodec(1, _keys) { LocalId = Receiver };
        var member = new FrameCodec(1, _keys);
        var outsider = new FrameCodec(1, _outsiderKeys);
        _genuine = [.. Enumerable.Range(0, 1_024).Select(_ => Ping(member, KnownSender))];

        // The receiver authenticates the known sender once: its window and derived key exist from then on.
        byte[] first = Ping(member, KnownSender);
        _ = _receiver.Open(first, out _, out _);
        _forgedKnown = Ping(outsider, KnownSender);
        _forgedUnknown = Ping(outsider, new NodeId(_unknownSender));
        _garbage = [.. _forgedKnown];
        _garbage[0] = 0;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _keys.Dispose();
        _outsiderKeys.Dispose();
    }

    [Benchmark]
    public WireStatus Garbage() => Open(_garbage);

    [Benchmark]
    public WireStatus ForgedKnownSender() => Open(_forgedKnown);

    [Benchmark]
    public WireStatus ForgedUnknownSender()
    {
        // A new sender id each time, as a flood of forged ids would send (the id is in the associated data, so the
        // frame fails its tag either way; only the receiver's work for an id it has not seen is measured).
        BitConverter.TryWriteBytes(_forgedUnknown.AsSpan(10), ++_unknownSender);
        return Open(_forgedUnknown);
    }

    [Benchmark(Baseline = true)]
    public WireStatus GenuineKnownSender()
    {
        WireStatus status = Open(_genuine[_next]);
        if (++_next == _genuine.Length)
        {
            _next = 0;
            _receiver.ForgetReplayHistoryForBenchmark();
        }

        return status;
    }

    private WireStatus Open(byte[] frame)
    {
        Span<byte> copy = _frame.AsSpan(0, frame.Length);
        frame.CopyTo(copy);
        return _receiver.Open(copy, out _, out _);
    }

    private static byte[] Ping(FrameCodec codec, NodeId sender)
    {
        byte[] frame = new byte[128];
        var writer = new GossipWriter(codec.BodySpan(frame));
        _ = new Ping(300, 12_345).TryWrite(ref writer);
        return frame[..codec.Seal(frame, MessageType.Ping, FrameFlags.None, sender, 1, Receiver, writer.Position)];
    }
}
