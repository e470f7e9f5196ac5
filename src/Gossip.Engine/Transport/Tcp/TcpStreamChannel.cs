using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using Gossip.Engine.Runtime;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Transport.Tcp;

/// <summary>
/// Reliable channel for frames too large for a datagram: <c>[length:u32 LE][frame]</c> over TCP. Inbound: one
/// listener on the UDP socket's address and port, caps on concurrent connections (in all and per source address), a
/// deadline for each whole frame (not restarted by each byte, so a slow drip is cut like silence), and each frame's
/// length prefix and header checked (by the receiver) before its body is buffered, which then reserves its bytes from a
/// budget shared by all connections: however many peers stall or announce giant frames, they hold at most
/// <see cref="UdpTransportOptions.MaxInboundStreamBytes"/> in frames plus a read buffer each. Outbound: one connection
/// per destination (at most <see cref="UdpTransportOptions.MaxOutboundStreams"/>), opened on demand, fed from a queue
/// bounded in bytes per destination and in all, closed and forgotten when idle; what the destination writes back on
/// it is read like inbound frames. Answers (<see cref="SendAnswer"/>) go back on the connection their request came on,
/// inbound or outbound, and never open one: a requester proves its address with the TCP handshake of its own
/// connection, so a spoofed datagram cannot aim a large answer at anyone.
/// </summary>
internal sealed class TcpStreamChannel : IDisposable
{
    private readonly UdpTransportOptions _options;
    private readonly TransportCounters _counters;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<WireAddress, TcpOutboundConnection> _outbound = new();
    private readonly Dictionary<WireAddress, int> _inboundBySource = [];
    private readonly ConcurrentDictionary<WireAddress, TcpReplyWriter> _inboundReplies = new();
    private readonly StreamBudget _outboundBytes;
    private int _inbound;
    private long _inboundBytes;
    private long _peakInboundBytes;

    // What frames read on the connections this channel opened (answers to our requests) hold: a budget of the same
    // size as the inbound one, apart from it, so strangers holding the inbound budget cannot starve our own answers.
    private long _answerBytes;
    private IFrameReceiver? _receiver;

    public TcpStreamChannel(UdpTransportOptions options, IPEndPoint bind, TransportCounters counters)
    {
        _options = options;
        _counters = counters;
        _outboundBytes = new StreamBudget(options.MaxOutboundStreamBytes);
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

    /// <summary>Bytes reserved now by inbound frames being received (announced lengths plus their pooled copies).</summary>
    public long InboundFrameBytes => Volatile.Read(ref _inboundBytes);

    /// <summary>The most <see cref="InboundFrameBytes"/> ever reserved: what a test of the memory bound reads.</summary>
    public long PeakInboundFrameBytes => Volatile.Read(ref _peakInboundBytes);

    /// <summary>Outbound destinations held now (idle ones are forgotten).</summary>
    public int OutboundConnections => _outbound.Count;

    public void Start(IFrameReceiver receiver)
    {
        Volatile.Write(ref _receiver, receiver);
        _ = AcceptLoopAsync(receiver);
    }

    public bool Send(WireAddress destination, ReadOnlySpan<byte> frame)
    {
        if (_stop.IsCancellationRequested)
        {
            return false;
        }

        // Twice at most: a connection found retired (idle, forgotten) is replaced once.
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (!_outbound.TryGetValue(destination, out TcpOutboundConnection? connection))
            {
                if (_outbound.Count >= _options.MaxOutboundStreams)
                {
                    break;
                }

                connection = _outbound.GetOrAdd(destination, static (address, self) => new TcpOutboundConnection(address, self._options, self._counters, self._outboundBytes, self.Forget, self.ReadAnswersAsync, self._stop.Token), this);
            }

            if (connection.Retired)
            {
                _outbound.TryRemove(KeyValuePair.Create(destination, connection));
                continue;
            }

            if (!connection.TryEnqueue(frame))
            {
                break;
            }

            return true;
        }

        _counters.OnSendDropped();
        return false;
    }

    /// <summary>
    /// Writes an answer on the connection a frame from <paramref name="streamSource"/> (the source its receiver was
    /// given) came on: an inbound connection, keyed by its remote end, or one this channel opened to that destination.
    /// Never opens a connection; false (counted) when that connection is gone or its queue is full.
    /// </summary>
    public bool SendAnswer(WireAddress streamSource, ReadOnlySpan<byte> frame)
    {
        bool queued = !_stop.IsCancellationRequested
            && ((_inboundReplies.TryGetValue(streamSource, out TcpReplyWriter? inbound) && inbound.TryEnqueue(frame))
                || (_outbound.TryGetValue(streamSource, out TcpOutboundConnection? outbound) && outbound.TryEnqueueAnswer(frame)));
        if (!queued)
        {
            _counters.OnSendDropped();
        }

        return queued;
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

            WireAddress source = client.RemoteEndPoint is IPEndPoint endPoint ? WireAddress.FromEndPoint(new IPEndPoint(endPoint.Address, 0)) : default;
            if (Interlocked.Increment(ref _inbound) > _options.MaxInboundStreams)
            {
                Interlocked.Decrement(ref _inbound);
                _counters.OnReceiveError();
                client.Dispose();
                continue;
            }

            if (!TryAdmit(source))
            {
                Interlocked.Decrement(ref _inbound);
                _counters.OnReceiveError();
                client.Dispose();
                continue;
            }

            _ = ServeAsync(client, source, receiver, token);
        }
    }

    /// <summary>Counts a connection against its source address's cap; false when the source already holds its share.</summary>
    private bool TryAdmit(WireAddress source)
    {
        lock (_inboundBySource)
        {
            int open = _inboundBySource.GetValueOrDefault(source);
            if (open >= _options.MaxInboundStreamsPerSource)
            {
                return false;
            }

            _inboundBySource[source] = open + 1;
            return true;
        }
    }

    private void Release(WireAddress source)
    {
        lock (_inboundBySource)
        {
            int open = _inboundBySource.GetValueOrDefault(source) - 1;
            if (open <= 0)
            {
                // Entries exist only while their source has connections open: the table holds at most MaxInboundStreams.
                _inboundBySource.Remove(source);
            }
            else
            {
                _inboundBySource[source] = open;
            }
        }
    }

    /// <summary>An idle outbound connection asks to be forgotten (its writer has stopped and it refuses new frames).</summary>
    private void Forget(TcpOutboundConnection connection) => _outbound.TryRemove(KeyValuePair.Create(connection.Destination, connection));

    private async Task ServeAsync(Socket client, WireAddress source, IFrameReceiver receiver, CancellationToken token)
    {
        WireAddress remote = client.RemoteEndPoint is IPEndPoint endPoint ? WireAddress.FromEndPoint(endPoint) : default;
        var replies = new TcpReplyWriter(client, _options, _counters, _outboundBytes, token);
        _inboundReplies[remote] = replies;
        try
        {
            await ReadFramesAsync(client, remote, receiver, cutWhenSilent: true, token).ConfigureAwait(false);
        }
        finally
        {
            _inboundReplies.TryRemove(KeyValuePair.Create(remote, replies));
            replies.Close();
            client.Dispose();
            Release(source);
            Interlocked.Decrement(ref _inbound);
        }
    }

    /// <summary>Reads the answers on a connection this channel opened, until either end closes it or <paramref name="closing"/> is cancelled.</summary>
    private Task ReadAnswersAsync(Socket socket, WireAddress destination, CancellationToken closing)
    {
        IFrameReceiver? receiver = Volatile.Read(ref _receiver);
        return receiver is null ? Task.CompletedTask : ReadFramesAsync(socket, destination, receiver, cutWhenSilent: false, closing);
    }

    /// <summary>
    /// Reads <c>[length][frame]</c> records off a connection and delivers them as stream frames from <paramref name="remote"/>.
    /// An inbound connection (<paramref name="cutWhenSilent"/>) must deliver each whole frame within the read timeout; an
    /// outbound one waits for answers as long as it is open (its writer closes it when idle). Ends, counting an error,
    /// on a violation or a broken connection; quietly when <paramref name="token"/> is cancelled. Leaves the socket open.
    /// </summary>
    private async Task ReadFramesAsync(Socket socket, WireAddress remote, IFrameReceiver receiver, bool cutWhenSilent, CancellationToken token)
    {
        var stream = new NetworkStream(socket, ownsSocket: false);
        PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 << 10, minimumReadSize: 4 << 10, leaveOpen: false));

        // One deadline per connection, pushed back only when a whole frame has arrived: bytes trickling in do not
        // extend it, so a connection that does not deliver a frame within StreamReadTimeout is cut, however it stalls.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(token);
        if (cutWhenSilent)
        {
            deadline.CancelAfter(_options.StreamReadTimeout);
        }

        var frame = new FrameState { Answers = !cutWhenSilent };
        try
        {
            while (!token.IsCancellationRequested)
            {
                ReadResult result = await reader.ReadAsync(deadline.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                FrameRead read;
                bool delivered = false;
                while ((read = TryReadFrame(ref buffer, ref frame, receiver, remote)) == FrameRead.Frame)
                {
                    delivered = true;
                }

                if (read == FrameRead.Violation)
                {
                    _counters.OnReceiveError();
                    return;
                }

                if (delivered && cutWhenSilent)
                {
                    deadline.CancelAfter(_options.StreamReadTimeout);
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
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // A connection we closed ourselves (an idle outbound one, shutdown) is no error.
            if (!token.IsCancellationRequested)
            {
                _counters.OnReceiveError();
            }
        }
        finally
        {
            Unreserve(ref frame);
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private FrameRead TryReadFrame(ref ReadOnlySequence<byte> buffer, ref FrameState state, IFrameReceiver receiver, WireAddress remote)
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

        if (state.Reserved == 0)
        {
            // The frame's header, before its body: the receiver refuses frames of another cluster, version, size or
            // encryption at the cost of 26 bytes. Then the frame reserves its bytes, or the connection is cut.
            int headLength = (int)Math.Min(length, FrameHeader.Size);
            if (buffer.Length < 4 + headLength)
            {
                return FrameRead.NeedMore;
            }

            Span<byte> head = stackalloc byte[FrameHeader.Size];
            buffer.Slice(4, headLength).CopyTo(head);
            if (!receiver.AcceptsStreamFrame(remote, head[..headLength], (int)length) || !TryReserve(ref state, (int)length))
            {
                return FrameRead.Violation;
            }
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
            Unreserve(ref state);
        }

        buffer = buffer.Slice(4 + length);
        return FrameRead.Frame;
    }

    /// <summary>Reserves a frame's bytes from the budget shared by all inbound connections: the announced length (buffered by the pipe) and its pooled copy.</summary>
    private bool TryReserve(ref FrameState state, int length)
    {
        long charge = length + Math.Max(16, (long)BitOperations.RoundUpToPowerOf2((uint)length));
        ref long budget = ref state.Answers ? ref _answerBytes : ref _inboundBytes;
        long held = Interlocked.Add(ref budget, charge);
        if (held > _options.MaxInboundStreamBytes)
        {
            Interlocked.Add(ref budget, -charge);
            return false;
        }

        state.Reserved = charge;
        if (!state.Answers)
        {
            AtomicPeak.Raise(ref _peakInboundBytes, held);
        }

        return true;
    }

    private void Unreserve(ref FrameState state)
    {
        if (state.Reserved != 0)
        {
            Interlocked.Add(ref state.Answers ? ref _answerBytes : ref _inboundBytes, -state.Reserved);
            state.Reserved = 0;
        }
    }

    /// <summary>The frame a connection is receiving: what it reserved (0 before its header was checked).</summary>
    private struct FrameState
    {
        public long Reserved;

        /// <summary>Read on a connection this channel opened: charged to the answers' budget.</summary>
        public bool Answers;
    }

    private enum FrameRead
    {
        NeedMore,
        Frame,
        Violation,
    }
}
