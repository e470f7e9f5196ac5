using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;
using Gossip.Engine.Transport.Udp;

namespace Gossip.Engine.Transport.Tcp;

/// <summary>
/// Frames waiting to be written on one stream connection (an outbound one, or an inbound one answered on): each
/// queued as a pooled <c>[length][frame]</c> record, bounded in bytes per connection
/// (<see cref="UdpTransportOptions.MaxQueuedStreamBytes"/>) and by the budget all connections of a channel share.
/// The connection's writer reads it and hands each record back (<see cref="Release"/>) once written or dropped.
/// </summary>
internal sealed class TcpFrameQueue
{
    private readonly UdpTransportOptions _options;
    private readonly StreamBudget _budget;
    private readonly Channel<Frame> _queue = Channel.CreateUnbounded<Frame>(new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBytes;

    public TcpFrameQueue(UdpTransportOptions options, StreamBudget budget)
    {
        _options = options;
        _budget = budget;
    }

    public ChannelReader<Frame> Reader => _queue.Reader;

    /// <summary>Copies a frame in; false when the connection's share or the shared budget is spent, or the queue is closed.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> frame)
    {
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
            Release(new Frame(copy, frame.Length + 4));
            return false;
        }

        return true;
    }

    /// <summary>Gives a record's bytes back (to this queue's share and the shared budget) and its buffer to the pool.</summary>
    public void Release(Frame frame)
    {
        Interlocked.Add(ref _queuedBytes, 4 - frame.Length);
        _budget.Give(frame.Length);
        ArrayPool<byte>.Shared.Return(frame.Buffer);
    }

    /// <summary>Takes no more frames; those queued can still be read (and are dropped by a writer whose connection is gone).</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>One queued <c>[length][frame]</c> record; <see cref="Length"/> includes the 4-byte prefix.</summary>
    public readonly record struct Frame(byte[] Buffer, int Length);
}
