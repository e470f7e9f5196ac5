using System.Net.Sockets;
using System.Threading.Channels;
using Gossip.Engine.Transport.Udp;

namespace Gossip.Engine.Transport.Tcp;

/// <summary>
/// The write side of one inbound (accepted) stream connection: the answers to the frames that came on it, written
/// back on it in order. The requester opened the connection, so its TCP handshake proved the address these bytes go
/// to; this node never opens a connection to answer. Bounded like an outbound queue; once the connection is closed,
/// what is still queued, or answered later, is dropped and counted.
/// </summary>
internal sealed class TcpReplyWriter
{
    private readonly Socket _socket;
    private readonly TcpFrameQueue _queue;
    private readonly TransportCounters _counters;
    private readonly CancellationToken _stop;
    private volatile bool _closed;

    public TcpReplyWriter(Socket socket, UdpTransportOptions options, TransportCounters counters, StreamBudget budget, CancellationToken stop)
    {
        _socket = socket;
        _queue = new TcpFrameQueue(options, budget);
        _counters = counters;
        _stop = stop;
        _ = WriteLoopAsync();
    }

    /// <summary>Queues an answer; false when the connection is closed or its queue is full (the caller counts the drop).</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> frame) => !_closed && _queue.TryEnqueue(frame);

    /// <summary>The connection is closing: take nothing more, drop what is queued.</summary>
    public void Close()
    {
        _closed = true;
        _queue.Complete();
    }

    private async Task WriteLoopAsync()
    {
        ChannelReader<TcpFrameQueue.Frame> reader = _queue.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (reader.TryRead(out TcpFrameQueue.Frame frame))
            {
                try
                {
                    if (_closed || _stop.IsCancellationRequested)
                    {
                        _counters.OnSendDropped();
                        continue;
                    }

                    await _socket.SendAsync(frame.Buffer.AsMemory(0, frame.Length), SocketFlags.None, _stop).ConfigureAwait(false);
                    _counters.OnStreamFrameSent(frame.Length);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    // The requester went away (or we are stopping): this answer and the rest are dropped, counted.
                    _closed = true;
                    _counters.OnSendDropped();
                }
                finally
                {
                    _queue.Release(frame);
                }
            }
        }
    }
}
