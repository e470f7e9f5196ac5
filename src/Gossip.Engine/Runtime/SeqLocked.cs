namespace Gossip.Engine.Runtime;

/// <summary>
/// A value larger than a machine word, written by one owner and read from any thread without tearing and without
/// allocating: the writer makes the version odd while it writes, and a reader retries until it saw the same even
/// version before and after copying.
/// </summary>
internal sealed class SeqLocked<T>
    where T : struct
{
    private T _value;
    private int _version;

    /// <summary>Single writer only (the node's executor).</summary>
    public void Write(in T value)
    {
        Interlocked.Increment(ref _version);
        _value = value;
        Interlocked.Increment(ref _version);
    }

    public T Read()
    {
        SpinWait spin = default;
        while (true)
        {
            int before = Volatile.Read(ref _version);
            T value = _value;
            Interlocked.MemoryBarrier();
            if ((before & 1) == 0 && Volatile.Read(ref _version) == before)
            {
                return value;
            }

            spin.SpinOnce();
        }
    }
}
