using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;
using Gossip.LoadGen.Tests.Fakes;

namespace Gossip.LoadGen.Tests;

/// <summary>
/// The allocation figure of a steady window is GC.GetTotalAllocatedBytes, process-wide, so LoadGen's own measuring
/// counts: sampling the window's edges, polling, the progress line and recording the phase must allocate nothing.
/// </summary>
public sealed class MeasuringAllocationTests
{
    [Fact]
    public void SteadyWindow_MeasuringItself_AllocatesNothing()
    {
        // The meter counts this thread's allocations, and the quiet cluster allocates nothing: the window's figure is
        // what the runner allocated between the two edge reads. The progress line is on, to a writer that drops it.
        using var cluster = new QuietCluster(8);
        var settings = new TargetsSettings
        {
            Window = TimeSpan.FromSeconds(10),
            Poll = TimeSpan.FromMilliseconds(200),
            Rumors = 1,
            RumorTimeout = TimeSpan.FromSeconds(1),
            DetectionTimeout = TimeSpan.FromSeconds(1),
        };

        TargetsReport r = TargetsRun.Execute(cluster, new ThreadAllocationMeter(), new Progress(TextWriter.Null), settings);

        Assert.Equal(8 * 50, r.NodeRounds);
        Assert.Equal(0, r.AllocatedBytesPerNodeRound);
    }

    [Fact]
    public void ProcessMeter_Read_AllocatesNothing()
    {
        ProcessSample first = ProcessMeter.Instance.Read();
        long before = GC.GetAllocatedBytesForCurrentThread();
        ProcessSample last = first;
        for (int i = 0; i < 100; i++)
        {
            last = ProcessMeter.Instance.Read();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(last.CpuTime > TimeSpan.Zero);
        Assert.True(last.AllocatedBytes > 0);
        Assert.Equal(0, allocated);
    }

    /// <summary>Reports this thread's allocated bytes as the process's; CPU and GC counts are not of interest here.</summary>
    private sealed class ThreadAllocationMeter : IProcessMeter
    {
        public ProcessSample Read() => new(TimeSpan.Zero, GC.GetAllocatedBytesForCurrentThread(), 0, 0, 0);
    }
}
