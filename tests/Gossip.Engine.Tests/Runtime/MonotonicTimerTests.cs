using System.Diagnostics;
using Gossip.Engine.Runtime;

namespace Gossip.Engine.Tests.Runtime;

/// <summary>
/// The timerfd the round thread sleeps on under Linux: a deadline ends a wait, a deadline moved earlier from another
/// thread ends it sooner, one moved later lets it sleep on, and a deadline already past returns at once. Nothing
/// asserts how long a wait took beyond "not before the deadline"; waits are bounded only to fail instead of hang.
/// </summary>
public sealed class MonotonicTimerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void IsSupported_OnGlibcLinux()
    {
        // This project's CI and development machines are glibc Linux on x64, where the fast path must not fall back
        // unnoticed; elsewhere the portable wait is used and there is nothing to check.
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 && File.Exists("/lib/x86_64-linux-gnu/libc.so.6"))
        {
            Assert.True(MonotonicTimer.IsSupported);
        }
    }

    [Fact]
    public void PastDeadline_ReturnsAtOnce_AndAWaitNeverEndsBeforeItsDeadline()
    {
        if (!MonotonicTimer.IsSupported)
        {
            return;
        }

        using var timer = new MonotonicTimer();
        Assert.True(timer.Arm(Stopwatch.GetTimestamp() - 1));
        Assert.True(timer.Wait());

        long deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 20);
        Assert.True(timer.Arm(deadline));
        Assert.True(timer.Wait());
        Assert.True(Stopwatch.GetTimestamp() >= deadline);
    }

    [Fact]
    public void DeadlineMovedEarlierFromAnotherThread_EndsTheWait_AndOneMovedLater_DoesNot()
    {
        if (!MonotonicTimer.IsSupported)
        {
            return;
        }

        using var timer = new MonotonicTimer();
        long hourAway = Stopwatch.GetTimestamp() + (3600 * Stopwatch.Frequency);
        Assert.True(timer.Arm(hourAway));
        int returned = 0;
        var waiter = new Thread(() =>
        {
            bool accepted = timer.Wait();
            Volatile.Write(ref returned, accepted ? 1 : -1);
        })
        { IsBackground = true };
        waiter.Start();

        // Moved later while it sleeps: it sleeps on.
        Thread.Sleep(100);
        Assert.True(timer.Arm(hourAway + Stopwatch.Frequency));
        Thread.Sleep(100);
        Assert.Equal(0, Volatile.Read(ref returned));

        // Moved to a moment already past: it wakes.
        Assert.True(timer.Arm(Stopwatch.GetTimestamp()));
        Assert.True(waiter.Join(Patience));
        Assert.Equal(1, Volatile.Read(ref returned));
    }
}
