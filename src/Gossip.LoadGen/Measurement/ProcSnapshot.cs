namespace Gossip.LoadGen.Measurement;

/// <summary>A process read from /proc/PID at one moment (see <see cref="ProcFs"/>).</summary>
/// <param name="CpuTicks">User + system CPU time of the whole process, exited threads included, in clock ticks (1/100 s).</param>
/// <param name="ResidentBytes">Resident set size (VmRSS).</param>
/// <param name="Threads">Live threads, each with its own CPU time and switches.</param>
internal sealed record ProcSnapshot(long CpuTicks, long ResidentBytes, IReadOnlyList<ProcThread> Threads);
