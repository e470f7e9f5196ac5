namespace Gossip.LoadGen.Measurement;

/// <summary>One thread of a process as /proc/PID/task/TID shows it.</summary>
/// <param name="Tid">The thread id.</param>
/// <param name="Name">The thread's name (comm, at most 15 characters: ".NET TP Worker", ".NET Tiered Com", ...).</param>
/// <param name="CpuTicks">User + system CPU time in clock ticks (1/100 s).</param>
/// <param name="VoluntarySwitches">Context switches the thread asked for (it blocked or slept).</param>
/// <param name="InvoluntarySwitches">Context switches forced on it (preempted).</param>
internal readonly record struct ProcThread(int Tid, string Name, long CpuTicks, long VoluntarySwitches, long InvoluntarySwitches);
