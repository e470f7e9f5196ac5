namespace Gossip.Engine.Transport.Tcp;

/// <summary>Bytes shared by all outbound stream queues of a channel: taken when a frame is queued, given back when it is written or dropped.</summary>
internal sealed class StreamBudget(long limit)
{
    private long _held;

    /// <summary>Bytes held now.</summary>
    public long Held => Volatile.Read(ref _held);

    public bool TryTake(long bytes)
    {
        if (Interlocked.Add(ref _held, bytes) > limit)
        {
            Interlocked.Add(ref _held, -bytes);
            return false;
        }

        return true;
    }

    public void Give(long bytes) => Interlocked.Add(ref _held, -bytes);
}
