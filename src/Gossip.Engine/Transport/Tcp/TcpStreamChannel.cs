using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Transport.Tcp;

/// <summary>
/// Reliable channel for frames too large for a datagram: <c>[length:u32 LE][frame]</c> over TCP. Inbound: one
/// listener on the UDP socket's address and port, a cap on concurrent connections, a read timeout per frame, and
/// the length prefix checked against the limit before any body is buffered, so a peer that stalls or announces a
/// giant frame is cut off without growing memory. Outbound: one connection per destination, opened on demand,
/// fed from a byte-bounded queue, closed when idle.
/// </summary>
internal sealed class TcpStreamChannel : IDisposable
{
    private readonly UdpTransportOptions _options;
    private readonly TransportCounters _counters;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<WireAddress, TcpOutboundConnection> _outbound = new();
    private int _inbound;

    public TcpStreamChannel(UdpTransportOptions options, IPEndPoint bind, TransportCounters counters)
    {
        _options = options;
        _counters = counters;
        _listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // SO_REUSEADDR lets a restarted node listen again while old connections sit in TIME_WAIT.
            _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _listener.Bind(bind);
            _listener.Listen(128);
        }
        catch
        {
            _listener.Dispose();
            throw;
        }
    }

    /// <summary>Inbound connections being served.</summary>
    public int InboundConnections => Volatile.Read(ref _inbound);

    public void Start(IFrameReceiver receiver) => _ = AcceptLoopAsync(receiver);

    public bool Send(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        if (_stop.IsCancellationRequested)
        {
            return false;
        }

        TcpOutboundConnection connection = _outbound.GetOrAdd(destination, static (address, self) => new TcpOutboundConnection(address, self._options, self._counters, self._stop.Token), this);
        if (!connection.TryEnqueue(frame))
        {
            _counters.OnSendDropped();
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _listener.Dispose();
        foreach (TcpOutboundConnection connection in _outbound.Values)
        {
            connection.Dispose();
        }
    }

    private async Task AcceptLoopAsync(IFrameReceiver receiver)
    {
        CancellationToken token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                _counters.OnReceiveError();
                continue;
            }

            if (Interlocked.Increment(ref _inbound) > _options.MaxInboundStreams)
            {
                Interlocked.Decrement(ref _inbound);
                _counters.OnReceiveError();
                client.Dispose();
                continue;
            }

            _ = ServeAsync(client, receiver, token);
        }
    }

    private async Task ServeAsync(Socket client, IFrameReceiver receiver, CancellationToken token)
    {
        WireAddress remote = client.RemoteEndPoint is IPEndPoint endPoint ? WireAddress.FromEndPoint(endPoint) : default;
        var stream = new NetworkStream(client, ownsSocket: true);
        PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 << 10, minimumReadSize: 4 << 10, leaveOpen: false));
        try
        {
            while (!token.IsCancellationRequested)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
                timeout.CancelAfter(_options.StreamReadTimeout);
                ReadResult result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                FrameRead read;
                while ((read = TryReadFrame(ref buffer, receiver, remote)) == FrameRead.Frame)
                {
                }

                if (read == FrameRead.Violation)
                {
                    _counters.OnReceiveError();
                    return;
                }

                // Examined up to the end: the next read waits for more bytes instead of spinning on a partial frame.
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Read timeout (a silent or stalled peer) or shutdown.
            if (!token.IsCancellationRequested)
            {
                _counters.OnReceiveError();
            }
        }
        catch (IOException)
        {
            _counters.OnReceiveError();
        }
        catch (SocketException)
        {
            _counters.OnReceiveError();
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _inbound);
        }
    }

    private FrameRead TryReadFrame(ref ReadOnlySequence<byte> buffer, IFrameReceiver receiver, WireAddress remote)
    {
        if (buffer.Length < 4)
        {
            return FrameRead.NeedMore;
        }

        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length == 0 || length > (uint)_options.MaxStreamFrameBytes)
        {
            return FrameRead.Violation;
        }

        if (buffer.Length < 4 + length)
        {
            return FrameRead.NeedMore;
        }

        // Frames are opened (and decrypted) in place, so hand the receiver a private contiguous copy.
        byte[] frame = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            buffer.Slice(4, length).CopyTo(frame);
            _counters.OnStreamFrameReceived((int)length + 4);
            receiver.OnFrame(remote, frame.AsSpan(0, (int)length), viaStream: true);
        }
#pragma warning disable CA1031 // A receiver fault must not take the connection loop down; it is counted.
        catch (Exception)
#pragma warning restore CA1031
        {
            _counters.OnReceiveError();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }

        buffer = buffer.Slice(4 + length);
        return FrameRead.Frame;
    }

    private enum FrameRead
    {
        NeedMore,
        Frame,
        Violation,
    }
}
