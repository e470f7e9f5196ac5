using System.Net.Sockets;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Transport.Tcp;

/// <summary>
/// The outbound stream to one destination: frames wait in a queue bounded by bytes; a writer task connects on
/// demand (with a timeout), writes <c>[length][frame]</c> records and closes the connection after an idle period.
/// While connected, the answers the destination writes back on the connection are read and delivered like any
/// stream frame (this is how a requester gets a large answer: on the connection it opened itself).
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
    private readonly TcpFrameQueue _queue;
    private readonly Action<TcpOutboundConnection> _forget;
    private readonly Func<Socket, WireAddress, CancellationToken, Task> _readAnswers;
    private Link? _link;
    private int _writerRunning;
    private int _retired;

    public TcpOutboundConnection(WireAddress destination, UdpTransportOptions options, TransportCounters counters, StreamBudget budget, Action<TcpOutboundConnection> forget, Func<Socket, WireAddress, CancellationToken, Task> readAnswers, CancellationToken stop)
    {
        _destination = destination;
        _options = options;
        _counters = counters;
        _queue = new TcpFrameQueue(options, budget);
        _forget = forget;
        _readAnswers = readAnswers;
        _stop = stop;
    }

    public WireAddress Destination => _destination;

    /// <summary>True once the connection went idle and was forgotten: it takes no more frames.</summary>
    public bool Retired => Volatile.Read(ref _retired) == 1;

    /// <summary>Queues a frame, connecting first if need be.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> frame)
    {
        if (Retired || !_queue.TryEnqueue(frame))
        {
            return false;
        }

        if (Interlocked.Exchange(ref _writerRunning, 1) == 0)
        {
            _ = WriteLoopAsync();
        }

        return true;
    }

    /// <summary>
    /// Queues an answer to a frame read on this connection: only while it is connected and the destination has not
    /// closed it, so an answer never opens a connection.
    /// </summary>
    public bool TryEnqueueAnswer(ReadOnlySpan<byte> frame) => Volatile.Read(ref _link) is { Closed: false } && TryEnqueue(frame);

    public void Dispose() => _queue.Complete();

    private async Task WriteLoopAsync()
    {
        Link? link = null;
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

                if (link is { Closed: true })
                {
                    // The destination closed its end (its read deadline, a restart): connect afresh.
                    link = Close(link);
                }

                link ??= await ConnectAsync().ConfigureAwait(false);
                while (_queue.Reader.TryRead(out TcpFrameQueue.Frame frame))
                {
                    try
                    {
                        if (link is not null)
                        {
                            await link.Socket.SendAsync(frame.Buffer.AsMemory(0, frame.Length), SocketFlags.None, _stop).ConfigureAwait(false);
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
                        link = Close(link);
                    }
                    finally
                    {
                        _queue.Release(frame);
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
            Close(link);
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

    /// <summary>Closes a connection (its reader ends quietly) and returns null.</summary>
    private Link? Close(Link? link)
    {
        if (link is not null)
        {
            Interlocked.CompareExchange(ref _link, null, link);
            link.Closed = true;
            try
            {
                link.Reading.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Its reader has ended already (and disposed the source).
            }

            link.Socket.Dispose();
        }

        return null;
    }

    private async Task<Link?> ConnectAsync()
    {
        System.Net.IPEndPoint endPoint = _destination.ToEndPoint();
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop);
        timeout.CancelAfter(_options.StreamConnectTimeout);
        _counters.OnStreamDialed();
        try
        {
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
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

        var link = new Link(socket, CancellationTokenSource.CreateLinkedTokenSource(_stop));
        Volatile.Write(ref _link, link);
        _ = ReadAnswersAsync(link);
        return link;
    }

    /// <summary>Reads what the destination writes back until either end closes; then the next frame connects afresh.</summary>
    private async Task ReadAnswersAsync(Link link)
    {
        try
        {
            await _readAnswers(link.Socket, _destination, link.Reading.Token).ConfigureAwait(false);
        }
        finally
        {
            link.Closed = true;
            link.Reading.Dispose();
        }
    }

    /// <summary>One connected socket, and whether it still carries frames both ways.</summary>
    private sealed class Link(Socket socket, CancellationTokenSource reading)
    {
        public Socket Socket { get; } = socket;

        /// <summary>Cancelled when the writer closes the connection: its reader then ends without counting an error.</summary>
        public CancellationTokenSource Reading { get; } = reading;

        public volatile bool Closed;
    }
}
