using System.Net;
using BenchmarkDotNet.Attributes;
using Gossip.Engine.Transport;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Benchmarks.Transport;

/// <summary>
/// One pair of UDP transports on loopback: a send, and a send whose datagram is received (round trip through the
/// receive loop). 1 / mean time is datagrams per second for one sender.
/// </summary>
[MemoryDiagnoser]
public class UdpPairBenchmarks
{
    private readonly byte[] _frame = new byte[100];
    private UdpTransport _a = null!;
    private UdpTransport _b = null!;
    private Signal _signal = null!;

    [GlobalSetup]
    public void Setup()
    {
        _a = new UdpTransport(new UdpTransportOptions { Bind = new IPEndPoint(IPAddress.Loopback, 0), EnableStreams = false });
        _b = new UdpTransport(new UdpTransportOptions { Bind = new IPEndPoint(IPAddress.Loopback, 0), EnableStreams = false });
        _signal = new Signal();
        _a.Start(new Signal());
        _b.Start(_signal);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Benchmark]
    public bool Send() => _a.Send(_b.LocalAddress, _frame);

    [Benchmark]
    public void SendAndReceive()
    {
        int before = _signal.Count;
        _a.Send(_b.LocalAddress, _frame);
        var spin = new SpinWait();
        while (Volatile.Read(ref _signal.CountField) == before)
        {
            spin.SpinOnce(-1);
        }
    }

    private sealed class Signal : IFrameReceiver
    {
        public int CountField;

        public int Count => Volatile.Read(ref CountField);

        public void OnFrame(WireAddress source, Span<byte> frame, bool viaStream) => Interlocked.Increment(ref CountField);
    }
}
