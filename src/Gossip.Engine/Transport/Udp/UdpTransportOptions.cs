using System.Net;

namespace Gossip.Engine.Transport.Udp;

/// <summary>Where and how a <see cref="UdpTransport"/> listens. Every default is stated; <see cref="Validate"/> runs at construction.</summary>
public sealed class UdpTransportOptions
{
    /// <summary>Local address and port to bind (UDP socket and, with <see cref="EnableStreams"/>, the TCP listener). Default 127.0.0.1:0 (any free port).</summary>
    public IPEndPoint Bind { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Address and port peers should send to, when it differs from the bound one (containers, NAT). Default null: the bound endpoint.</summary>
    public IPEndPoint? Advertise { get; set; }

    /// <summary>Largest datagram sent or accepted; larger received datagrams are dropped and counted. Default 1,400 bytes.</summary>
    public int MaxDatagramBytes { get; set; } = 1_400;

    /// <summary>Kernel receive buffer (SO_RCVBUF). Default 1 MiB, so bursts to a busy process are not dropped.</summary>
    public int SocketReceiveBufferBytes { get; set; } = 1 << 20;

    /// <summary>Kernel send buffer (SO_SNDBUF). Default 256 KiB.</summary>
    public int SocketSendBufferBytes { get; set; } = 256 << 10;

    /// <summary>Also listen on TCP at the same address for frames too large for a datagram (<see cref="ITransport.SendLarge"/>). Default true.</summary>
    public bool EnableStreams { get; set; } = true;

    /// <summary>Largest frame carried on a stream; a longer length prefix cuts the connection. Default 1 MiB.</summary>
    public int MaxStreamFrameBytes { get; set; } = 1 << 20;

    /// <summary>Inbound stream connections served at once; more are refused (counted as receive errors). Default 64.</summary>
    public int MaxInboundStreams { get; set; } = 64;

    /// <summary>
    /// Inbound stream connections served at once from one source IP address; more from it are refused (counted), so one
    /// host cannot take every slot of <see cref="MaxInboundStreams"/>. Default 8.
    /// </summary>
    public int MaxInboundStreamsPerSource { get; set; } = 8;

    /// <summary>
    /// Bytes all inbound stream connections together may hold in frames being received. Each frame reserves its announced
    /// length plus the pooled copy handed to the receiver (its length rounded up to a power of two) once its length
    /// prefix and header have passed the checks, and before its body is buffered; a frame that finds the budget spent
    /// cuts its connection (counted). Bounds what giant-prefix and slow-drip connections hold, whatever their number.
    /// Frames read on connections this node opened (the answers to its own requests) have a budget of this size apart,
    /// so connections from strangers cannot starve them. At least <see cref="MaxStreamFrameBytes"/> plus its
    /// power-of-two round-up; default 16 MiB.
    /// </summary>
    public long MaxInboundStreamBytes { get; set; } = 16L << 20;

    /// <summary>
    /// A stream connection must deliver each whole frame (and the first one after connecting) within this time of the
    /// previous frame or of connecting, else it is cut off (counted). The deadline does not restart on every byte, so a
    /// peer that trickles bytes cannot hold a slot longer than a silent one. Default 5 s.
    /// </summary>
    public TimeSpan StreamReadTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Outbound connect timeout. Default 2 s.</summary>
    public TimeSpan StreamConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>An idle outbound connection is closed, and forgotten, after this long. Default 30 s.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes queued for one destination's stream before further frames are dropped (counted). Default 4 MiB.</summary>
    public int MaxQueuedStreamBytes { get; set; } = 4 << 20;

    /// <summary>
    /// Bytes queued for all destinations' streams together before further frames are dropped (counted), so that frames
    /// queued towards many destinations (for example addresses that never accept) stay bounded. At least
    /// <see cref="MaxStreamFrameBytes"/> + 4; default 16 MiB.
    /// </summary>
    public long MaxOutboundStreamBytes { get; set; } = 16L << 20;

    /// <summary>Outbound stream destinations held at once (idle ones are forgotten after <see cref="StreamIdleTimeout"/>); frames to a new destination beyond it are dropped (counted). Default 256.</summary>
    public int MaxOutboundStreams { get; set; } = 256;

    /// <summary>
    /// Receive datagrams on a thread of the transport's own, in blocking calls, instead of an asynchronous loop on the
    /// thread pool. Each datagram then wakes one thread instead of two (the socket engine's and a pool worker), and an
    /// idle node keeps no pool worker busy: for a process that holds one node, such as a service embedding it (the
    /// hosting package turns it on). A process that holds many nodes should leave it off: it costs a thread per node.
    /// Default false.
    /// </summary>
    public bool DedicatedReceiveThread { get; set; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad option.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Bind);
        Check(MaxDatagramBytes is >= 64 and <= 65_507, nameof(MaxDatagramBytes));
        Check(SocketReceiveBufferBytes > 0, nameof(SocketReceiveBufferBytes));
        Check(SocketSendBufferBytes > 0, nameof(SocketSendBufferBytes));
        Check(MaxStreamFrameBytes >= MaxDatagramBytes, nameof(MaxStreamFrameBytes));
        Check(MaxInboundStreams >= 1, nameof(MaxInboundStreams));
        Check(MaxInboundStreamsPerSource >= 1, nameof(MaxInboundStreamsPerSource));
        Check(MaxInboundStreamBytes >= MaxStreamFrameBytes + (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)MaxStreamFrameBytes), nameof(MaxInboundStreamBytes));
        Check(MaxOutboundStreamBytes >= MaxStreamFrameBytes + 4L, nameof(MaxOutboundStreamBytes));
        Check(MaxOutboundStreams >= 1, nameof(MaxOutboundStreams));
        Check(StreamReadTimeout > TimeSpan.Zero, nameof(StreamReadTimeout));
        Check(StreamConnectTimeout > TimeSpan.Zero, nameof(StreamConnectTimeout));
        Check(StreamIdleTimeout > TimeSpan.Zero, nameof(StreamIdleTimeout));
        Check(MaxQueuedStreamBytes >= MaxStreamFrameBytes, nameof(MaxQueuedStreamBytes));
    }

    private static void Check(bool ok, string name)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"UdpTransportOptions.{name} is out of range.");
        }
    }
}
