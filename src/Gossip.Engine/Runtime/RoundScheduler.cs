namespace Gossip.Engine.Runtime;

/// <summary>
/// Ticks registered nodes' rounds from timers, each node at its own random phase within the interval so a large
/// in-process cluster does not wake all at once. A tick only posts to the node's mailbox: no thread per node, and
/// a slow node never delays another.
/// </summary>
public sealed class RoundScheduler
{
    /// <summary>The process-wide scheduler.</summary>
    public static RoundScheduler Shared { get; } = new();

    private long _registered;

    /// <summary>Nodes currently scheduled.</summary>
    public long Registered => Interlocked.Read(ref _registered);

    internal IDisposable Register(NodeMailbox mailbox, TimeSpan interval, TimeProvider time, IRandomSource random)
    {
        TimeSpan phase = TimeSpan.FromTicks((long)(random.NextDouble() * interval.Ticks));
        ITimer timer = time.CreateTimer(static state => ((NodeMailbox)state!).PostTick(), mailbox, phase, interval);
        Interlocked.Increment(ref _registered);
        return new Registration(this, timer);
    }

    private sealed class Registration(RoundScheduler owner, ITimer timer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                timer.Dispose();
                Interlocked.Decrement(ref owner._registered);
            }
        }
    }
}
