using System.Numerics;

namespace Gossip.Engine.Simulation;

/// <summary>
/// Free lists of frame buffers by power-of-two size for the simulated network. A simulation keeps hundreds of
/// thousands of frames in flight at once, far more than <see cref="System.Buffers.ArrayPool{T}.Shared"/> retains per
/// core, so it would allocate in steady state; this pool grows to the working set once and then only reuses.
/// Single-threaded, like the network.
/// </summary>
internal sealed class FrameBufferPool
{
    private const int MinShift = 6;
    private readonly Stack<byte[]>[] _free = new Stack<byte[]>[32];

    public byte[] Rent(int length)
    {
        int bucket = Bucket(length);
        Stack<byte[]>? free = _free[bucket];
        return free is { Count: > 0 } ? free.Pop() : new byte[1 << (bucket + MinShift)];
    }

    public void Return(byte[] buffer)
    {
        int bucket = Bucket(buffer.Length);
        (_free[bucket] ??= new Stack<byte[]>()).Push(buffer);
    }

    private static int Bucket(int length) => Math.Max(0, BitOperations.Log2((uint)Math.Max(1, length) - 1) + 1 - MinShift);
}
