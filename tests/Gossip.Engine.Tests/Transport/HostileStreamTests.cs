using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

/// <summary>
/// Hostile TCP connections at a live node over real sockets: hundreds of slow-drip, giant-prefix, garbage-header and
/// announced-but-never-sent maximum-size frames, from 100 source addresses (127.0.0.2 and up, all loopback on Linux),
/// reconnecting whenever they are cut. A legitimate update that travels over TCP still arrives, and the bytes the node
/// holds stay within the documented bound (read from its deterministic counters, not from the process's memory).
/// </summary>
[Collection(nameof(UdpClusterTests))]
public sealed class HostileStreamTests
{
    private const uint Cluster = 7;

    [Fact]
    public async Task HundredsOfSlowDripAndGiantPrefixConnections_DoNotHoldBackALegitimateUpdate_AndMemoryStaysBounded()
    {
        static UdpTransportOptions TransportOptions() => new() { StreamReadTimeout = TimeSpan.FromSeconds(1) };
        using var a = new GossipNode(new GossipOptions { ClusterId = Cluster, EventCapacity = 0, AllowPlaintext = true }, new UdpTransport(TransportOptions()));
        var bTransport = new UdpTransport(TransportOptions());
        using var b = new GossipNode(new GossipOptions { ClusterId = Cluster, EventCapacity = 0, AllowPlaintext = true }, bTransport);
        a.Start();
        b.Start();
        b.Join([a.Address]);
        Assert.True(Eventually.True(() => a.LiveMemberCount == 2 && b.LiveMemberCount == 2), "the two nodes did not meet");

        using var stop = new CancellationTokenSource();
        IPEndPoint target = b.Address.ToEndPoint();
        int connected = 0;
        var attackers = new List<Task>();
        for (int source = 0; source < 100; source++)
        {
            var from = new IPAddress([127, 0, 0, (byte)(2 + source)]);
            attackers.Add(Attack(from, target, GiantPrefix(), () => Interlocked.Increment(ref connected), stop.Token));
            attackers.Add(Attack(from, target, [], () => Interlocked.Increment(ref connected), stop.Token)); // bytes only by drip
            attackers.Add(Attack(from, target, AnnouncedMaximumFrame(), () => Interlocked.Increment(ref connected), stop.Token));
            attackers.Add(Attack(from, target, GarbageHeader(), () => Interlocked.Increment(ref connected), stop.Token));
        }

        try
        {
            Assert.True(Eventually.True(() => Volatile.Read(ref connected) >= 300), "the attackers did not connect");

            // The update: values too large together for the datagrams of one exchange (an ACK, an ACK2 of 8), so b, whose
            // datagram ACK from a comes back cut, asks on over its own TCP connection and reads a's answer there.
            long streamFramesBefore = b.TransportCounters.StreamFramesReceived;
            byte[] value = new byte[1_000];
            for (int i = 0; i < 16; i++)
            {
                value[0] = (byte)i;
                a.SetLocal($"big{i}", value);
            }

            Assert.True(
                Eventually.True(() => Enumerable.Range(0, 16).All(i => b.TryGetState(a.Id, $"big{i}", out _)), 60_000),
                "the legitimate update did not arrive during the attack");
            Assert.True(b.TransportCounters.StreamFramesReceived > streamFramesBefore, "the update did not travel over TCP");

            // The attack goes on until every kind of cut has happened often (an update that arrives fast must not end
            // it before the counts below are reached: they measure the node's answers, not the attack's length).
            Eventually.True(() => Volatile.Read(ref connected) >= 400 && b.TransportCounters.ReceiveErrors >= 300 && b.Counters.DroppedFor(WireStatus.BadMagic) >= 100, 60_000);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(attackers);
        }

        // Memory: the bytes reserved for inbound frames and queued in the mailbox never exceeded their bounds, and the
        // announced maximum frames pressed the inbound budget (so the bound was reached, not just never approached).
        UdpTransportOptions options = TransportOptions();
        Assert.InRange(bTransport.Streams!.PeakInboundFrameBytes, options.MaxInboundStreamBytes - (2L << 20), options.MaxInboundStreamBytes);
        Assert.InRange(b.MailboxPeakBytes, 0, b.Options.MaxMailboxBytes);

        // Every cut counted: giant prefixes and exhausted budgets at the transport, garbage headers at the node.
        Assert.True(Volatile.Read(ref connected) >= 400, $"only {connected} attacking connections");
        Assert.True(b.TransportCounters.ReceiveErrors >= 300, $"{b.TransportCounters.ReceiveErrors} receive errors");
        Assert.True(b.Counters.DroppedFor(WireStatus.BadMagic) >= 100, $"{b.Counters.DroppedFor(WireStatus.BadMagic)} refused headers");
        Assert.True(Eventually.True(() => bTransport.Streams.InboundConnections == 0 && bTransport.Streams.InboundFrameBytes == 0), "connections or reservations outlived the attack");
    }

    /// <summary>
    /// One attacking connection, again and again: connect from <paramref name="from"/>, send <paramref name="opening"/>,
    /// then one byte every 200 ms until the node cuts it; then reconnect.
    /// </summary>
    private static async Task Attack(IPAddress from, IPEndPoint target, byte[] opening, Action onConnected, CancellationToken stop)
    {
        byte[] drip = [0x47];
        while (!stop.IsCancellationRequested)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(target, stop);
                onConnected();
                if (opening.Length > 0)
                {
                    await socket.SendAsync(opening, SocketFlags.None, stop);
                }

                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(200, stop);
                    await socket.SendAsync(drip, SocketFlags.None, stop);
                }
            }
            catch (SocketException)
            {
                // Cut (or refused) by the node: try again shortly.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static byte[] GiantPrefix() => [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3];

    /// <summary>A 1 MiB frame with a header the node accepts (this cluster, plain, a stranger's id), of which only the header is sent.</summary>
    private static byte[] AnnouncedMaximumFrame()
    {
        byte[] opening = new byte[4 + FrameHeader.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(opening, 1 << 20);
        Span<byte> header = opening.AsSpan(4);
        header[0] = FrameHeader.Magic0;
        header[1] = FrameHeader.Magic1;
        header[2] = FrameHeader.CurrentVersion;
        header[3] = (byte)MessageType.DigestAck;
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(6), Cluster);
        BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(10), 0xBAD);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(18), 1);
        return opening;
    }

    /// <summary>A 100,000-byte frame whose header is garbage: refused by the node after 26 bytes.</summary>
    private static byte[] GarbageHeader()
    {
        byte[] opening = new byte[4 + FrameHeader.Size];
        BinaryPrimitives.WriteUInt32LittleEndian(opening, 100_000);
        opening.AsSpan(4).Fill(0xEE);
        return opening;
    }
}
