using System.Diagnostics;

namespace Gossip.LoadGen.Scenarios.Hostile;

/// <summary>
/// An embedding service's load on the shared thread pool: a parallel loop of 50 ms busy work items, as many as the pool
/// will run, until stopped. Nodes whose receive loops are asynchronous wait for a pool thread behind these items, while
/// their round threads keep ticking: the stall that must not turn into false suspicions or deaths.
/// </summary>
internal static class PoolLoad
{
    /// <summary>Starts holding the pool; the task ends once <paramref name="stop"/> is cancelled.</summary>
    public static Task Hold(CancellationToken stop) => Task.Run(() =>
    {
        try
        {
            Parallel.For(0, int.MaxValue, new ParallelOptions { CancellationToken = stop }, static _ => Spin(TimeSpan.FromMilliseconds(50)));
        }
        catch (OperationCanceledException)
        {
            // Stopped, as asked.
        }
    }, CancellationToken.None);

    private static void Spin(TimeSpan length)
    {
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < length)
        {
            Thread.SpinWait(100);
        }
    }
}
