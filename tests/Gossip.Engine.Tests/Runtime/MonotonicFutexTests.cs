using System.Diagnostics;
using Gossip.Engine.Runtime;
using Gossip.Engine.Tests.Transport;

namespace Gossip.Engine.Tests.Runtime;

/// <summary>
/// The futex sleep the round thread uses on Linux: a wake ends a wait, a wake that came first makes the wait return
/// at once, and a deadline ends it. Nothing asserts how long a wait took; waits are bounded only to fail instead of hang.
/// </summary>
public sealed class MonotonicFutexTests
{
    [Fact]
    public void IsSupported_OnGlibcLinux()
    {
        // This project's CI and development machines are glibc Linux on x64, where the fast path must not fall back
        // unnoticed; elsewhere the portable wait is used and there is nothing to check.
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64 && File.Exists("/lib/x86_64-linux-gnu/libc.so.6"))
        {
            Assert.True(MonotonicFutex.IsSupported);
        }
    }

    [Fact]
    public void Wake_EndsAWaitWithoutDeadline()
    {
        if (!MonotonicFutex.IsSupported)
        {
            return;
        }

        var futex = new MonotonicFutex();
        int returned = 0;
        var waiter = new Thread(() =>
        {
            bool accepted = futex.Wait(futex.Sequence, long.MaxValue);
            Volatile.Write(ref returned, accepted ? 1 : -1);
        })
        { IsBackground = true };
        waiter.Start();

        // The wake may come before the waiter sleeps: its sequence is then stale and the wait returns at once.
        Assert.True(Eventually.True(() =>
        {
            futex.Wake();
            return Volatile.Read(ref returned) != 0;
        }));
        Assert.Equal(1, Volatile.Read(ref returned));
        Assert.True(waiter.Join(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void Wait_ForAStaleSequence_OrAPastDeadline_ReturnsAtOnce()
    {
        if (!MonotonicFutex.IsSupported)
        {
            return;
        }

        var futex = new MonotonicFutex();
        int before = futex.Sequence;
        futex.Wake();
        Assert.Equal(before + 1, futex.Sequence);

        // Neither call can block: a hang here fails the run's timeout rather than an assertion.
        Assert.True(futex.Wait(before, long.MaxValue));
        Assert.True(futex.Wait(futex.Sequence, Stopwatch.GetTimestamp() - 1));
    }
}
