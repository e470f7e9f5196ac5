using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Gossip.Engine.Runtime;

/// <summary>
/// A Linux timerfd on CLOCK_MONOTONIC: one thread sleeps on it until its absolute deadline, and any thread may move
/// that deadline, earlier to wake the sleeper sooner or later to let it sleep on, without waking it. That last part is
/// why <see cref="TickThread"/> sleeps on it: an idle node's round thread sleeps until its probe's timeout, the ack
/// arrives on the receive thread a moment later, and the receive thread moves the deadline out to the next probe, where
/// a futex or an event would have had to wake the sleeper for it to notice (one wake-up per probe, a quarter of an idle
/// node's). One system call to sleep (a blocking read), one to move the deadline. Only on glibc Linux with the
/// nanosecond <see cref="Stopwatch"/>, which reads CLOCK_MONOTONIC; elsewhere <see cref="IsSupported"/> is false.
/// </summary>
internal sealed class MonotonicTimer : IDisposable
{
    private const int ClockMonotonic = 1;
    private const int CloseOnExec = 0x80000;
    private const int AbsoluteTime = 1;
    private const int ErrorInterrupted = 4;

    private readonly int _fd;
    private int _disposed;

    /// <summary>Creates the timer, disarmed. Call only where <see cref="IsSupported"/>.</summary>
    /// <exception cref="IOException">The kernel refused to create it.</exception>
    public MonotonicTimer()
    {
        _fd = TimerCreate(ClockMonotonic, CloseOnExec);
        if (_fd < 0)
        {
            throw new IOException($"timerfd_create failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    /// <summary>True on glibc Linux where a timer could be created and the timestamps are CLOCK_MONOTONIC nanoseconds.</summary>
    public static bool IsSupported { get; } = Probe();

    /// <summary>
    /// Sets the deadline (a <see cref="Stopwatch.GetTimestamp"/> value; <see cref="long.MaxValue"/>: none). A deadline
    /// already past wakes the sleeper at once. Any thread. Returns false if the kernel refused.
    /// </summary>
    public bool Arm(long deadlineTimestamp)
    {
        // A zero value disarms a timerfd, so the earliest deadline is 1 ns after boot: long past, and so at once.
        var setting = new TimerSpec(deadlineTimestamp == long.MaxValue ? 0 : Math.Max(1, deadlineTimestamp));
        return Volatile.Read(ref _disposed) == 0 && TimerSet(_fd, AbsoluteTime, in setting, IntPtr.Zero) == 0;
    }

    /// <summary>
    /// Sleeps until the deadline passes (at once if it passed since the last <see cref="Arm"/>). May return early (a
    /// signal): the caller re-checks its clock. Returns false if the kernel refused the read.
    /// </summary>
    public bool Wait()
    {
        long expirations = 0;
        long read = Read(_fd, ref expirations, sizeof(long));
        return read == sizeof(long) || (read < 0 && Marshal.GetLastPInvokeError() == ErrorInterrupted);
    }

    /// <summary>Closes the timer; a sleeper must have been woken (armed to the past) and have returned first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ = Close(_fd);
        }
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Stopwatch.Frequency != 1_000_000_000)
        {
            return false;
        }

        try
        {
            int fd = TimerCreate(ClockMonotonic, CloseOnExec);
            if (fd < 0)
            {
                return false;
            }

            _ = Close(fd);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "timerfd_create", SetLastError = true)]
    private static extern int TimerCreate(int clock, int flags);

    [DllImport("libc.so.6", EntryPoint = "timerfd_settime", SetLastError = true)]
    private static extern int TimerSet(int fd, int flags, in TimerSpec setting, IntPtr previous);

    [DllImport("libc.so.6", EntryPoint = "read", SetLastError = true)]
    private static extern long Read(int fd, ref long buffer, long count);

    [DllImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    /// <summary>struct itimerspec: no repeat interval, then the absolute expiry.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct TimerSpec(long nanoseconds)
    {
        public readonly long IntervalSeconds;
        public readonly long IntervalNanoseconds;
        public readonly long Seconds = nanoseconds / 1_000_000_000;
        public readonly long Nanoseconds = nanoseconds % 1_000_000_000;
    }
}
