using BenchmarkDotNet.Attributes;
using Gossip.Engine;
using Gossip.Wire;

namespace Gossip.Benchmarks.Engine;

/// <summary>
/// Handling one anti-entropy SYN: frame check, validation, and comparing every digest entry with the member table
/// (merge-join over the range), answering with the one member the sender has and we lack. Members: 128 or 1,000
/// (a 1,400-byte SYN holds about 60 entries, so the 1,000 case sweeps a range of the table).
/// </summary>
[MemoryDiagnoser]
public class DigestMergeBenchmarks
{
    private GossipNode _receiver = null!;
    private byte[] _syn = [];
    private WireAddress _source;

    [Params(128, 1_000)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var receiverTransport = new CapturingTransport(Address(1));
        var senderTransport = new CapturingTransport(Address(2));
        _source = senderTransport.LocalAddress;
        var services = new GossipNodeServices { SingleThreaded = true, Random = new SeededRandom(7) };
        _receiver = new GossipNode(new GossipOptions { NodeId = new NodeId(1), Generation = 1, EventCapacity = 0, AllowPlaintext = true }, receiverTransport, services);
        var sender = new GossipNode(new GossipOptions { NodeId = new NodeId(2), Generation = 1, EventCapacity = 0, AllowPlaintext = true }, senderTransport, new GossipNodeServices { SingleThreaded = true, Random = new SeededRandom(8) });
        _receiver.Start();
        sender.Start();
        for (int i = 3; i < Members + 3; i++)
        {
            _receiver.SeedMember(new NodeId((ulong)i * 0x9E3779B97F4A7C15UL | 1), 1, Address(i));
            sender.SeedMember(new NodeId((ulong)i * 0x9E3779B97F4A7C15UL | 1), 1, Address(i));
        }

        // The sender knows one member the receiver lacks, so every SYN is a real comparison with an answer.
        sender.SeedMember(new NodeId(0xFFFF_FFFF_FFFF_FFF1), 1, Address(60_000));
        _receiver.SeedMember(new NodeId(2), 1, senderTransport.LocalAddress);
        sender.SeedMember(new NodeId(1), 1, receiverTransport.LocalAddress);
        sender.StartSyncForBenchmark(receiverTransport.LocalAddress);
        _syn = senderTransport.Last.ToArray();
    }

    [Benchmark]
    public void HandleSyn()
    {
        // The codec verifies in place and never mutates a plain frame, so the same bytes can be replayed.
        _receiver.HandleFrame(_source, _syn, viaStream: false);
    }

    private static WireAddress Address(int i) => WireAddress.FromBytes([10, 0, (byte)(i >> 8), (byte)i], 7946);
}
