using System.Net;
using System.Net.Sockets;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

public sealed class TcpStreamTests
{
    private static UdpTransport NewTransport(Action<UdpTransportOptions>? configure = null)
    {
        var options = new UdpTransportOptions { Bind = new IPEndPoint(IPAddress.Loopback, 0), StreamReadTimeout = TimeSpan.FromMilliseconds(500) };
        configure?.Invoke(options);
        return new UdpTransport(options);
    }

    [Fact]
    public void LargeFrame_ArrivesIntact_OverTheStream()
    {
        using UdpTransport a = NewTransport();
        using UdpTransport b = NewTransport();
        var rb = new RecordingReceiver();
        a.Start(new RecordingReceiver());
        b.Start(rb);
        byte[] frame = new byte[200_000];
        new Random(3).NextBytes(frame);

        Assert.True(a.SendLarge(b.LocalAddress, frame));
        Assert.True(Eventually.True(() => rb.Frames.Count == 1));
        Assert.True(rb.Frames.TryPeek(out (WireAddress Source, byte[] Frame, bool ViaStream) got));
        Assert.True(got.ViaStream);
        Assert.Equal(frame, got.Frame);
        Assert.Equal(1, a.Counters.StreamFramesSent);
        Assert.Equal(1, b.Counters.StreamFramesReceived);
    }

    [Fact]
    public void ManyFrames_ArriveInOrder()
    {
        using UdpTransport a = NewTransport();
        using UdpTransport b = NewTransport();
        var rb = new RecordingReceiver();
        a.Start(new RecordingReceiver());
        b.Start(rb);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(a.SendLarge(b.LocalAddress, BitConverter.GetBytes(i)));
        }

        Assert.True(Eventually.True(() => rb.Frames.Count == 100));
        int expected = 0;
        foreach ((WireAddress Source, byte[] Frame, bool ViaStream) f in rb.Frames)
        {
            Assert.Equal(expected++, BitConverter.ToInt32(f.Frame));
        }
    }

    [Fact]
    public void SilentClient_IsCutOffAfterTheReadTimeout()
    {
        using UdpTransport b = NewTransport();
        b.Start(new RecordingReceiver());
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(b.BoundEndPoint);

        // The server closes the connection: a read returns 0 (or the connection resets).
        Assert.True(Eventually.True(() => IsClosedByPeer(client)));
        Assert.True(b.Counters.ReceiveErrors >= 1);
    }

    [Fact]
    public void GiantLengthPrefix_IsCutOffAtOnce_WithoutAllocatingIt()
    {
        using UdpTransport b = NewTransport();
        b.Start(new RecordingReceiver());
        long before = GC.GetTotalAllocatedBytes(precise: true);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(b.BoundEndPoint);
        client.Send([0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]);

        Assert.True(Eventually.True(() => IsClosedByPeer(client)));
        // Process-wide and other tests run in parallel, so only a coarse bound: far below the 4 GiB the prefix announced.
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - before, 0, 512L << 20);
    }

    [Fact]
    public void InboundConnectionsBeyondTheLimit_AreRefused()
    {
        using UdpTransport b = NewTransport(o => { o.MaxInboundStreams = 2; o.StreamReadTimeout = TimeSpan.FromSeconds(30); });
        b.Start(new RecordingReceiver());
        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                c.Connect(b.BoundEndPoint);
                clients.Add(c);
            }

            Assert.True(Eventually.True(() => IsClosedByPeer(clients[2])));
            Assert.False(IsClosedByPeer(clients[0]));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Dispose_WithOpenConnections_Completes()
    {
        UdpTransport b = NewTransport(o => o.StreamReadTimeout = TimeSpan.FromSeconds(30));
        b.Start(new RecordingReceiver());
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(b.BoundEndPoint);
        Task dispose = Task.Run(b.Dispose);
        Assert.Same(dispose, await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(20))));
    }

    private static bool IsClosedByPeer(Socket socket)
    {
        try
        {
            if (!socket.Poll(0, SelectMode.SelectRead))
            {
                return false;
            }

            return socket.Receive(new byte[16], SocketFlags.Peek) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
