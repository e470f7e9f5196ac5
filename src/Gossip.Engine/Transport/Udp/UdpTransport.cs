using System.Net;
using System.Net.Sockets;
using Gossip.Engine.Transport.Tcp;
using Gossip.Wire;

namespace Gossip.Engine.Transport.Udp;

/// <summary>
/// One UDP socket per node, with a TCP listener on the same address for frames too large for a datagram.
/// Sends are synchronous <c>SendTo</c> calls through one reusable <see cref="SocketAddress"/> rewritten per datagram; receives
/// run in one async loop per socket on the <see cref="SocketAddress"/> overload of <c>ReceiveFromAsync</c> into a
/// pinned buffer. Neither allocates per datagram, and no thread is dedicated to a node. Any receive error
/// (ICMP unreachable, oversize datagram, a receiver that throws) is counted and the loop goes on; only
/// <see cref="Dispose"/> stops it.
/// </summary>
public sealed class UdpTransport : ITransport
{
    private readonly UdpTransportOptions _options;
    private readonly Socket _socket = null!;
    private readonly TcpStreamChannel? _streams;
    private readonly CancellationTokenSource _stop = new();

    // The destination of the datagram being sent, rewritten in place by every Send. A cache of one SocketAddress per
    // destination allocated ~300 B (IPAddress, IPEndPoint, SocketAddress, dictionary growth) the first time each peer
    // was contacted, and a node meets new peers for minutes in a 128-node cluster and all the time at 10,000 nodes.
    // ITransport.Send is called by the node's executor only, one call at a time, so one instance suffices.
    private readonly SocketAddress _sendAddress;
    private IFrameReceiver? _receiver;
    private Task _receiveLoop = Task.CompletedTask;
    private Thread? _receiveThread;

    /// <summary>Binds the socket (and the TCP listener) at once, so <see cref="LocalAddress"/> is known before <see cref="Start"/>.</summary>
    public UdpTransport(UdpTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;

        // With port 0 the OS picks the UDP port; the TCP listener needs the same number, which another socket may
        // hold (an outbound connection's ephemeral port, TIME_WAIT), so try a few fresh ports before giving up.
        int attempts = options.EnableStreams && options.Bind.Port == 0 ? 32 : 1;
        for (int attempt = 1; ; attempt++)
        {
            _socket = new Socket(options.Bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
            {
                ReceiveBufferSize = options.SocketReceiveBufferBytes,
                SendBufferSize = options.SocketSendBufferBytes,
            };
            try
            {
                _socket.Bind(options.Bind);
                var bound = (IPEndPoint)_socket.LocalEndPoint!;
                _streams = options.EnableStreams ? new TcpStreamChannel(options, bound, Counters) : null;
                BoundEndPoint = bound;
                _sendAddress = new SocketAddress(bound.AddressFamily);
                LocalAddress = WireAddress.FromEndPoint(options.Advertise ?? bound);
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < attempts)
            {
                _socket.Dispose();
            }
            catch
            {
                _socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>The endpoint the socket is bound to (the real port when <see cref="UdpTransportOptions.Bind"/> asked for 0).</summary>
    public IPEndPoint BoundEndPoint { get; }

    /// <summary>The stream channel (tests read its memory counters); null without streams.</summary>
    internal TcpStreamChannel? Streams => _streams;

    /// <summary>Stream connections open now, inbound and outbound (0 without a stream channel).</summary>
    internal int OpenStreams => _streams is null ? 0 : _streams.InboundConnections + _streams.OutboundConnections;

    /// <inheritdoc />
    public WireAddress LocalAddress { get; }

    /// <inheritdoc />
    public int MaxDatagramBytes => _options.MaxDatagramBytes;

    /// <inheritdoc />
    public int MaxLargeFrameBytes => _streams is null ? 0 : _options.MaxStreamFrameBytes;

    /// <inheritdoc />
    public TransportCounters Counters { get; } = new();

    /// <inheritdoc />
    public void Start(IFrameReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        if (Interlocked.CompareExchange(ref _receiver, receiver, null) is not null)
        {
            throw new InvalidOperationException("The transport is already started.");
        }

        if (_options.DedicatedReceiveThread)
        {
            _receiveThread = new Thread(() => ReceiveLoop(receiver)) { IsBackground = true, Name = "Gossip receive" };
            _receiveThread.Start();
        }
        else
        {
            _receiveLoop = ReceiveLoopAsync(receiver);
        }

        _streams?.Start(receiver);
    }

    /// <inheritdoc />
    public bool Send(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        if (frame.Length > _options.MaxDatagramBytes || !SocketAddresses.TryWrite(destination, _sendAddress))
        {
            Counters.OnSendDropped();
            return false;
        }

        try
        {
            _socket.SendTo(frame, SocketFlags.None, _sendAddress);
            Counters.OnDatagramSent(frame.Length);
            return true;
        }
        catch (SocketException)
        {
            Counters.OnSendDropped();
            return false;
        }
        catch (ObjectDisposedException)
        {
            Counters.OnSendDropped();
            return false;
        }
    }

    /// <inheritdoc />
    public bool SendLarge(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        if (_streams is null || frame.Length > _options.MaxStreamFrameBytes)
        {
            Counters.OnSendDropped();
            return false;
        }

        return _streams.Send(destination, frame);
    }

    /// <inheritdoc />
    public bool SendAnswer(WireAddress streamSource, ReadOnlySpan<byte> frame)
    {
        if (_streams is null || frame.Length > _options.MaxStreamFrameBytes)
        {
            Counters.OnSendDropped();
            return false;
        }

        return _streams.SendAnswer(streamSource, frame);
    }

    /// <inheritdoc />
    public bool HasPendingInput
    {
        get
        {
            try
            {
                // FIONREAD: the size of the next datagram waiting in the kernel, 0 when none.
                return _socket.Available > 0;
            }
            catch (SocketException)
            {
                return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _socket.Dispose();
        _streams?.Dispose();
        _receiveLoop.Wait(TimeSpan.FromSeconds(2));
        _receiveThread?.Join(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }

    /// <summary>The <see cref="UdpTransportOptions.DedicatedReceiveThread"/> loop: blocking receives until the socket is disposed.</summary>
    private void ReceiveLoop(IFrameReceiver receiver)
    {
        byte[] buffer = GC.AllocateArray<byte>(65_536, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        CancellationToken token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                int received = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
                Deliver(receiver, buffer, received, from);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException) when (token.IsCancellationRequested)
            {
                // Disposing the socket aborts the blocked receive.
                break;
            }
            catch (SocketException)
            {
                Counters.OnReceiveError();
            }
        }
    }

    private async Task ReceiveLoopAsync(IFrameReceiver receiver)
    {
        // Room for the largest UDP payload, so an oversized datagram is seen whole and dropped rather than truncated.
        byte[] buffer = GC.AllocateArray<byte>(65_536, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        CancellationToken token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                int received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from, token).ConfigureAwait(false);
                Deliver(receiver, buffer, received, from);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // ICMP port unreachable surfaces here as ConnectionRefused/Reset on the next receive: survive it.
                Counters.OnReceiveError();
            }
        }
    }

    private void Deliver(IFrameReceiver receiver, byte[] buffer, int received, SocketAddress from)
    {
        if (received > _options.MaxDatagramBytes)
        {
            Counters.OnReceiveError();
            return;
        }

        Counters.OnDatagramReceived(received);
        try
        {
            receiver.OnFrame(SocketAddresses.ToWireAddress(from), buffer.AsSpan(0, received), viaStream: false);
        }
#pragma warning disable CA1031 // The receive loop must outlive any receiver fault; it is counted.
        catch (Exception)
#pragma warning restore CA1031
        {
            Counters.OnReceiveError();
        }
    }
}
