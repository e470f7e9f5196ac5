using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Channels;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Transport.Tcp;

/// <summary>
/// The outbound stream to one destination: frames wait in a queue bounded by bytes; a writer task connects on
/// demand (with a timeout), writes <c>[length][frame]</c> records and closes the connection after an idle period.
/// A failed connection drops what was queued (counted): large frames are anti-entropy, which the next exchange redoes.
/// An idle connection retires: it refuses frames from then on and asks its channel to forget it, so the channel's
/// table holds only destinations in use.
/// </summary>
internal sealed class TcpOutboundConnection : IDisposable
{
    private readonly WireAddress _destination;
    private readonly UdpTransportOptions _options;
    private readonly TransportCounters _counters;
    private readonly CancellationToken _stop;
    private readonly StreamBudget _budget;
    private readonly Action<TcpOutboundConnection> _forget;
    private readonly Channel<Frame> _queue = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBytes;
    private int _writerRunning;
    private int _retired;

    public TcpOutboundConnection(WireAddress destination, UdpTransportOptions options, TransportCounters counters, StreamBudget budget, Action<TcpOutboundConnection> forget, CancellationToken stop)
    {
        _destination = destination;
        _options = options;
        _counters = counters;
        _budget = budget;
        _forget = forget;
        _stop = stop;
    }

    public WireAddress Destination => _destination;

    /// <summary>True once the connection went idle and was forgotten: it takes no more frames.</summary>
    public bool Retired => Volatile.Read(ref _retired) == 1;

    public bool TryEnqueue(ReadOnlySpan<byte> frame)
    {
        if (Retired)
        {
            return false;
        }

        if (Interlocked.Add(ref _queuedBytes, frame.Length) > _options.MaxQueuedStreamBytes)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            return false;
        }

        if (!_budget.TryTake(frame.Length + 4))
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            return false;
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(frame.Length + 4);
        BinaryPrimitives.WriteUInt32LittleEndian(copy, (uint)frame.Length);
        frame.CopyTo(copy.AsSpan(4));
        if (!_queue.Writer.TryWrite(new Frame(copy, frame.Length + 4)))
        {
            ArrayPool<byte>.Shared.Return(copy);
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            _budget.Give(frame.Length + 4);
            return false;
        }

        if (Interlocked.Exchange(ref _writerRunning, 1) == 0)
        {
            _ = WriteLoopAsync();
        }

        return true;
    }

    public void Dispose() => _queue.Writer.TryComplete();

    private async Task WriteLoopAsync()
    {
        Socket? socket = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop);
                idle.CancelAfter(_options.StreamIdleTimeout);
                if (!await _queue.Reader.WaitToReadAsync(idle.Token).ConfigureAwait(false))
                {
                    return;
                }

                socket ??= await ConnectAsync().ConfigureAwait(false);
                while (_queue.Reader.TryRead(out Frame frame))
                {
                    try
                    {
                        if (socket is not null)
                        {
                            await socket.SendAsync(frame.Buffer.AsMemory(0, frame.Length), SocketFlags.None, _stop).ConfigureAwait(false);
                            _counters.OnStreamFrameSent(frame.Length);
                        }
                        else
                        {
                            _counters.OnSendDropped();
                        }
                    }
                    catch (SocketException)
                    {
                        _counters.OnSendDropped();
                        socket?.Dispose();
                        socket = null;
                    }
                    finally
                    {
                        Interlocked.Add(ref _queuedBytes, 4 - frame.Length);
                        _budget.Give(frame.Length);
                        ArrayPool<byte>.Shared.Return(frame.Buffer);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Idle long enough, or shutting down: close, retire and be forgotten; a frame for this destination then
            // opens a new connection. A frame that raced in before the retirement is still sent (see below).
            if (!_stop.IsCancellationRequested)
            {
                Volatile.Write(ref _retired, 1);
                _forget(this);
            }
        }
        finally
        {
            socket?.Dispose();
            // A full fence, not a release store: with Volatile.Write the TryPeek below may be satisfied before the
            // flag's clearing is visible (store-load reordering). A TryEnqueue racing with us would then see the
            // writer still running and start none, while we peek an empty queue and start none either: its frame
            // would wait until the next enqueue. Interlocked.Exchange orders the store before the peek.
            Interlocked.Exchange(ref _writerRunning, 0);
            if (_queue.Reader.TryPeek(out _) && !_stop.IsCancellationRequested && Interlocked.Exchange(ref _writerRunning, 1) == 0)
            {
                _ = WriteLoopAsync();
            }
        }
    }

    private async Task<Socket?> ConnectAsync()
    {
        System.Net.IPEndPoint endPoint = _destination.ToEndPoint();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        timeout.CancelAfter(_options.StreamConnectTimeout);
        try
        {
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            if (_stop.IsCancellationRequested)
            {
                throw;
            }

            return null;
        }
    }

    private readonly record struct Frame(byte[] Buffer, int Length);
}
