using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Gossip.Engine.Runtime;

/// <summary>
/// A sleep until an absolute monotonic deadline that another thread can cut short, by the Linux futex system call
/// itself: one system call per wait and none of the runtime's wait machinery. <see cref="TickThread"/> sleeps on it
/// between rounds. An idle node process wakes about 7 times a second, and measured on the 2-core VM of
/// docs/performance.md ("Where an idle wake-up goes": a loop of 200 ms sleeps, CPU per wake-up from schedstat) a
/// wake-up through an <see cref="AutoResetEvent"/> cost 80 µs of CPU under the JIT against 57 µs for this wait
/// (NativeAOT: 45 against 35 µs; a C loop of <c>clock_nanosleep</c>: 36 µs). The runtime's wait takes its own locks,
/// a condition variable (two futex calls a wake-up) and, under CoreCLR, the PAL's
/// bookkeeping. Only on glibc Linux (x64, arm64) with the nanosecond <see cref="Stopwatch"/> that reads the same clock
/// (CLOCK_MONOTONIC); elsewhere <see cref="IsSupported"/> is false and the caller keeps the runtime's wait.
/// </summary>
internal sealed class MonotonicFutex
{
    private const int FutexWaitBitsetPrivate = 9 | 128;
    private const int FutexWakePrivate = 1 | 128;
    private const int MatchAnyBitset = -1;
    private const int ErrorAgain = 11;
    private const int ErrorInterrupted = 4;
    private const int ErrorTimedOut = 110;

    private static readonly long SyscallNumber = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => 0,
    };

    // The futex word: a pinned array's element keeps one address for the kernel across calls.
    private readonly int[] _word = GC.AllocateArray<int>(1, pinned: true);

    /// <summary>
    /// True where the futex call is available and the timestamps are CLOCK_MONOTONIC nanoseconds; probed once with a
    /// wake of nobody, so a missing libc or a refused call leaves the caller on the portable path.
    /// </summary>
    public static bool IsSupported { get; } = Probe();

    /// <summary>The word's value now; a wait for this value returns at once once <see cref="Wake"/> has run since.</summary>
    public int Sequence => Volatile.Read(ref _word[0]);

    /// <summary>
    /// Sleeps until <paramref name="deadlineTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value;
    /// <see cref="long.MaxValue"/>: no deadline), until a <see cref="Wake"/>, or not at all if one ran since
    /// <paramref name="sequence"/> was read. May also return early (a signal): the caller re-checks its clock.
    /// Returns false if the kernel refused the wait, so the caller can fall back rather than spin.
    /// </summary>
    public bool Wait(int sequence, long deadlineTimestamp)
    {
        long result = deadlineTimestamp == long.MaxValue
            ? FutexNoTimeout(SyscallNumber, ref _word[0], FutexWaitBitsetPrivate, sequence, IntPtr.Zero, IntPtr.Zero, MatchAnyBitset)
            : Futex(SyscallNumber, ref _word[0], FutexWaitBitsetPrivate, sequence, new Timespec(deadlineTimestamp), IntPtr.Zero, MatchAnyBitset);
        if (result == 0)
        {
            return true;
        }

        int error = Marshal.GetLastPInvokeError();
        return error is ErrorAgain or ErrorInterrupted or ErrorTimedOut;
    }

    /// <summary>Ends a <see cref="Wait"/> in progress, and makes one for an earlier <see cref="Sequence"/> return at once.</summary>
    public void Wake()
    {
        Interlocked.Increment(ref _word[0]);
        _ = FutexNoTimeout(SyscallNumber, ref _word[0], FutexWakePrivate, 1, IntPtr.Zero, IntPtr.Zero, 0);
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || SyscallNumber == 0 || Stopwatch.Frequency != 1_000_000_000)
        {
            return false;
        }

        try
        {
            int word = 0;
            return FutexNoTimeout(SyscallNumber, ref word, FutexWakePrivate, 1, IntPtr.Zero, IntPtr.Zero, 0) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // glibc's syscall(2): the variadic arguments are passed as fixed ones, which x64 and arm64 Linux allow.
    [DllImport("libc.so.6", EntryPoint = "syscall", SetLastError = true)]
    private static extern long Futex(long number, ref int word, int operation, int value, in Timespec deadline, IntPtr word2, int bitset);

    [DllImport("libc.so.6", EntryPoint = "syscall", SetLastError = true)]
    private static extern long FutexNoTimeout(long number, ref int word, int operation, int value, IntPtr timeout, IntPtr word2, int bitset);

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct Timespec(long nanoseconds)
    {
        public readonly long Seconds = nanoseconds / 1_000_000_000;
        public readonly long Nanoseconds = nanoseconds % 1_000_000_000;
    }
}
