using System.Buffers;
using System.Collections.Concurrent;
using Gossip.Wire;

namespace Gossip.Engine.Runtime;

/// <summary>
/// The lock-free hand-over between transport threads, timers, application threads and a node's state: work is
/// queued here and run on the thread pool by at most one worker at a time (an Interlocked flag), so the node's
/// state has one owner without a lock. Frames are copied into pooled buffers; the queue is bounded.
/// </summary>
internal sealed class NodeMailbox : IThreadPoolWorkItem
{
    private readonly GossipNode _node;
    private readonly int _capacity;
    private readonly ConcurrentQueue<Work> _queue = new();
    private int _queued;
    private int _scheduled;
    private int _tickPending;

    public NodeMailbox(GossipNode node, int capacity)
    {
        _node = node;
        _capacity = capacity;
    }

    public bool PostFrame(WireAddress source, ReadOnlySpan<byte> frame, bool viaStream)
    {
        if (Interlocked.Increment(ref _queued) > _capacity)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(frame.Length);
        frame.CopyTo(buffer);
        _queue.Enqueue(new Work(source, buffer, frame.Length, viaStream, null));
        Schedule();
        return true;
    }

    public void PostCommand(Action<GossipNode> command)
    {
        Interlocked.Increment(ref _queued);
        _queue.Enqueue(new Work(default, null, 0, false, command));
        Schedule();
    }

    /// <summary>Asks for one round; ticks do not pile up (a node that fell behind runs one round, not a burst).</summary>
    public void PostTick()
    {
        if (Interlocked.Exchange(ref _tickPending, 1) == 0)
        {
            Schedule();
        }
    }

    private void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    public void Execute()
    {
        while (true)
        {
            if (Interlocked.Exchange(ref _tickPending, 0) == 1)
            {
                Guard(static (node, _) => node.RunRound(), default);
            }

            // Bounded batch so one busy node yields the worker to others.
            for (int i = 0; i < 256 && _queue.TryDequeue(out Work work); i++)
            {
                Interlocked.Decrement(ref _queued);
                Guard(static (node, w) => Run(node, w), work);
            }

            Volatile.Write(ref _scheduled, 0);
            if ((_queue.IsEmpty && Volatile.Read(ref _tickPending) == 0) || Interlocked.Exchange(ref _scheduled, 1) == 1)
            {
                return;
            }
        }
    }

    private static void Run(GossipNode node, Work work)
    {
        if (work.Command is not null)
        {
            work.Command(node);
            return;
        }

        try
        {
            node.HandleFrame(work.Source, work.Buffer.AsSpan(0, work.Length), work.ViaStream);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(work.Buffer!);
        }
    }

    private void Guard(Action<GossipNode, Work> action, Work work)
    {
        try
        {
            action(_node, work);
        }
#pragma warning disable CA1031 // A fault in one node's handler must never kill the thread-pool worker or other nodes.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _node.Counters.LimitHitsValue);
        }
    }

    private readonly record struct Work(WireAddress Source, byte[]? Buffer, int Length, bool ViaStream, Action<GossipNode>? Command);
}
