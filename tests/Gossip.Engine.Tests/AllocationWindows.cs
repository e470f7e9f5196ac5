namespace Gossip.Engine.Tests;

/// <summary>
/// Measures what the current thread allocates over several equal windows of steady work. The runtime's per-thread
/// count is not exact on a busy machine: it now and then charges a thread a few kilobytes it did not allocate (seen
/// once in CI: 6,856 B in a 100-round window that allocates 0 B in every local run; the runtime's own test of this
/// counter was made lenient for the same reason). A steady-state allocation, however rare within its window, repeats
/// in every window; a runtime hiccup does not. So a window count with at most one non-zero window, no larger than
/// <see cref="HiccupBytes"/>, still proves "allocates nothing".
/// </summary>
internal static class AllocationWindows
{
    /// <summary>The most one window may be charged without the work itself allocating.</summary>
    public const long HiccupBytes = 16 * 1024;

    /// <summary>
    /// Bytes the current thread allocated in each of <paramref name="windows"/> runs of <paramref name="work"/>;
    /// <paramref name="between"/>, if given, runs after each window, uncounted.
    /// </summary>
    public static long[] Measure(int windows, Action work, Action? between = null)
    {
        long[] allocated = new long[windows];
        for (int i = 0; i < windows; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            work();
            allocated[i] = GC.GetAllocatedBytesForCurrentThread() - before;
            between?.Invoke();
        }

        return allocated;
    }

    /// <summary>Asserts that the windows show no allocation by the work (see the class remarks).</summary>
    public static void AssertNothingAllocated(long[] allocated)
    {
        Assert.True(allocated.Length >= 3, "too few windows to tell a runtime hiccup from an allocation");
        long[] charged = [.. allocated.Where(bytes => bytes != 0)];
        string all = string.Join(", ", allocated);
        Assert.True(charged.Length <= 1, $"allocated in {charged.Length} of {allocated.Length} windows: {all} B");
        Assert.True(charged.Length == 0 || charged[0] <= HiccupBytes, $"one window allocated more than a runtime hiccup: {all} B");
    }
}
