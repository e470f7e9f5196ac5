using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using Gossip.Wire;

namespace Gossip.Engine.Runtime;

/// <summary>
/// The lock-free hand-over between transport threads, the scheduler, application threads and a node's state. One
/// flag (<c>_owned</c>, taken with <see cref="Interlocked.CompareExchange(ref int, int, int)"/>) makes whoever holds it
/// the node's only executor. A caller that finds the node idle takes the flag and does the work inline, with no copy
/// and no thread hop (the common case: a quiet node gets a datagram or a tick); a caller that finds it busy queues
/// the work (frames copied into pooled buffers; the queue bounded in frames and in bytes) and the current owner drains
/// it before letting go.
/// </summary>
internal sealed class NodeMailbox : INodeExecutor, IThreadPoolWorkItem
{
    private readonly GossipNode _node;
    private readonly int _capacity;
    private readonly long _maxBytes;
    private readonly ConcurrentQueue<Work> _queue = new();
    private int _queued;
    private long _queuedBytes;
    private long _peakQueuedBytes;
    private int _owned;
    private int _tickPending;

    public NodeMailbox(GossipNode node, int capacity, long maxBytes = 16L << 20)
    {
        _node = node;
        _capacity = capacity;
        _maxBytes = maxBytes;
    }

    /// <summary>The node this mailbox serializes.</summary>
    public GossipNode Node => _node;

    /// <summary>Bytes of pooled buffers holding queued frames now.</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>The most <see cref="QueuedBytes"/> ever held: what a test of the memory bound reads (deterministic, unlike the process's memory).</summary>
    public long PeakQueuedBytes => Volatile.Read(ref _peakQueuedBytes);

    /// <summary>What a queued frame of <paramref name="length"/> bytes holds: the shared array pool hands out powers of two, at least 16.</summary>
    public static long Charge(int length) => Math.Max(16, (long)BitOperations.RoundUpToPowerOf2((uint)length));

    public bool PostFrame(WireAddress source, Span<byte> frame, bool viaStream)
    {
        if (TryOwn())
        {
            Guard(static (node, w, span) => node.HandleFrame(w.Source, span, w.ViaStream), new Work(source, null, 0, viaStream, null), frame);
            ReleaseAndDrain();
            return true;
        }

        // A busy node checks the header before copying: a frame of another cluster, version or size, or plain where a key
        // is required, is dropped (counted) at the cost of its header and takes no room in the queue. A frame handled
        // inline (above) goes through the same checks in the intake.
        if (!_node.AcceptsHeader(frame[..Math.Min(frame.Length, FrameHeader.Size)], frame.Length))
        {
            return true;
        }

        if (Interlocked.Increment(ref _queued) > _capacity)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }

        // Charged before the copy, so a frame over the budget costs no buffer. The charge is what the pool hands out.
        long charge = Charge(frame.Length);
        long held = Interlocked.Add(ref _queuedBytes, charge);
        if (held > _maxBytes)
        {
            Interlocked.Add(ref _queuedBytes, -charge);
            Interlocked.Decrement(ref _queued);
            return false;
        }

        RaisePeak(held);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(frame.Length);
        frame.CopyTo(buffer);
        _queue.Enqueue(new Work(source, buffer, frame.Length, viaStream, null));
        ScheduleIfIdle();
        return true;
    }

    public void PostCommand(Action<GossipNode> command)
    {
        Interlocked.Increment(ref _queued);
        _queue.Enqueue(new Work(default, null, 0, false, command));
        ScheduleIfIdle();
    }

    /// <summary>Runs one round now if the node is idle, else leaves it to the current owner; ticks never pile up.</summary>
    public void Tick()
    {
        Volatile.Write(ref _tickPending, 1);
        if (TryOwn())
        {
            ReleaseAndDrain();
        }
    }

    public void Execute() => ReleaseAndDrain();

    public int Backlog => Volatile.Read(ref _queued);

    private bool TryOwn() => Interlocked.CompareExchange(ref _owned, 1, 0) == 0;

    private void ScheduleIfIdle()
    {
        if (TryOwn())
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Drains pending work as the owner, then lets go; re-takes ownership if work raced in meanwhile.</summary>
    private void ReleaseAndDrain()
    {
        do
        {
            // Received frames first: the acks a round's probe timeouts wait for may be among them, and a round run
            // ahead of them would suspect members that answered in time.
            for (int i = 0; i < 256 && _queue.TryDequeue(out Work work); i++)
            {
                Interlocked.Decrement(ref _queued);
                Run(work);
            }

            if (Interlocked.Exchange(ref _tickPending, 0) == 1)
            {
                Guard(static (node, _, _) => node.RunRound(), default, default);
            }

            // A full fence, not a release store: Volatile.Write may be reordered after the loads of _queue and
            // _tickPending below (store-load). A producer that enqueued just then and failed TryOwn (flag still
            // set) would leave its item to us, while we, having read the queue before our release was visible,
            // would let go without it: work stranded until the next tick. Interlocked.Exchange orders the release
            // before those loads, so either we see the item or the producer sees the flag clear and takes over.
            Interlocked.Exchange(ref _owned, 0);
        }
        while ((!_queue.IsEmpty || Volatile.Read(ref _tickPending) == 1) && TryOwn());
    }

    private void Run(Work work)
    {
        if (work.Command is not null)
        {
            Guard(static (node, w, _) => node.Apply(w.Command!), work, default);
            return;
        }

        try
        {
            Guard(static (node, w, _) => node.HandleFrame(w.Source, w.Buffer.AsSpan(0, w.Length), w.ViaStream), work, default);
        }
        finally
        {
            Interlocked.Add(ref _queuedBytes, -Charge(work.Length));
            ArrayPool<byte>.Shared.Return(work.Buffer!);
        }
    }

    private void RaisePeak(long held) => AtomicPeak.Raise(ref _peakQueuedBytes, held);

    private void Guard(WorkAction action, Work work, Span<byte> frame)
    {
        try
        {
            action(_node, work, frame);
        }
#pragma warning disable CA1031 // A fault in one node's handler must never kill a transport or scheduler thread, or other nodes.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _node.Counters.LimitHitsValue);
        }
    }

    private delegate void WorkAction(GossipNode node, Work work, Span<byte> frame);

    private readonly record struct Work(WireAddress Source, byte[]? Buffer, int Length, bool ViaStream, Action<GossipNode>? Command);
}
