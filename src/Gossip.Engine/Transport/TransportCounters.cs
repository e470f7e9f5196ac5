namespace Gossip.Engine.Transport;

/// <summary>
/// Byte and datagram counters of one transport, updated with <see cref="Interlocked"/> and readable from any thread.
/// Byte counts are payload bytes; LoadGen adds the 28-byte IPv4/UDP header per datagram as docs/measurement.md ("Bandwidth per node") defines.
/// </summary>
public sealed class TransportCounters
{
    private long _datagramsSent;
    private long _bytesSent;
    private long _datagramsReceived;
    private long _bytesReceived;
    private long _streamFramesSent;
    private long _streamBytesSent;
    private long _streamFramesReceived;
    private long _streamBytesReceived;
    private long _sendDrops;
    private long _receiveErrors;
    private long _streamsDialed;

    /// <summary>Datagrams handed to the network.</summary>
    public long DatagramsSent => Volatile.Read(ref _datagramsSent);

    /// <summary>Payload bytes of the datagrams sent.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Datagrams received.</summary>
    public long DatagramsReceived => Volatile.Read(ref _datagramsReceived);

    /// <summary>Payload bytes of the datagrams received.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Frames written to streams.</summary>
    public long StreamFramesSent => Volatile.Read(ref _streamFramesSent);

    /// <summary>Stream payload bytes written (length prefixes included).</summary>
    public long StreamBytesSent => Volatile.Read(ref _streamBytesSent);

    /// <summary>Frames read from streams.</summary>
    public long StreamFramesReceived => Volatile.Read(ref _streamFramesReceived);

    /// <summary>Stream payload bytes read (length prefixes included).</summary>
    public long StreamBytesReceived => Volatile.Read(ref _streamBytesReceived);

    /// <summary>Sends dropped locally (queue full, socket error, oversize).</summary>
    public long SendDrops => Volatile.Read(ref _sendDrops);

    /// <summary>Receive errors survived (ICMP unreachable, oversize datagram, stream protocol violations).</summary>
    public long ReceiveErrors => Volatile.Read(ref _receiveErrors);

    /// <summary>
    /// Outbound stream connections this transport tried to open, connected or not. A node dials only to send a request
    /// of its own; answers go back on the connection their request came on, so no frame received makes it dial.
    /// </summary>
    public long StreamsDialed => Volatile.Read(ref _streamsDialed);

    /// <summary>Counts one datagram sent.</summary>
    public void OnDatagramSent(int bytes)
    {
        Interlocked.Increment(ref _datagramsSent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    /// <summary>Counts one datagram received.</summary>
    public void OnDatagramReceived(int bytes)
    {
        Interlocked.Increment(ref _datagramsReceived);
        Interlocked.Add(ref _bytesReceived, bytes);
    }

    /// <summary>Counts one stream frame sent.</summary>
    public void OnStreamFrameSent(int bytes)
    {
        Interlocked.Increment(ref _streamFramesSent);
        Interlocked.Add(ref _streamBytesSent, bytes);
    }

    /// <summary>Counts one stream frame received.</summary>
    public void OnStreamFrameReceived(int bytes)
    {
        Interlocked.Increment(ref _streamFramesReceived);
        Interlocked.Add(ref _streamBytesReceived, bytes);
    }

    /// <summary>Counts one send dropped locally.</summary>
    public void OnSendDropped() => Interlocked.Increment(ref _sendDrops);

    /// <summary>Counts one outbound stream connection attempt.</summary>
    public void OnStreamDialed() => Interlocked.Increment(ref _streamsDialed);

    /// <summary>Counts one receive error.</summary>
    public void OnReceiveError() => Interlocked.Increment(ref _receiveErrors);
}
