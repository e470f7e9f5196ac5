namespace Gossip.LoadGen.Measurement;

/// <summary>
/// A process's threads over one window, from /proc snapshots taken every second or so: CPU ticks and context switches
/// per thread (a thread born inside the window counts from zero), threads started, the most alive at once. A thread
/// that was born and exited between two snapshots is never seen; its CPU time is still in the process total, so the
/// difference is reported as CPU of threads that exited unseen.
/// </summary>
internal sealed class ThreadLedger
{
    private readonly Dictionary<int, ProcThread> _baseline = [];
    private readonly Dictionary<int, ProcThread> _latest = [];
    private readonly long _startTicks;
    private long _endTicks;

    /// <summary>Opens the window at <paramref name="start"/>.</summary>
    public ThreadLedger(ProcSnapshot start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _startTicks = start.CpuTicks;
        _endTicks = start.CpuTicks;
        foreach (ProcThread t in start.Threads)
        {
            _baseline[t.Tid] = t;
            _latest[t.Tid] = t;
        }

        MaxThreads = start.Threads.Count;
        Last = start;
    }

    /// <summary>Threads that appeared after the window opened.</summary>
    public int ThreadsStarted { get; private set; }

    /// <summary>The most threads alive in any snapshot.</summary>
    public int MaxThreads { get; private set; }

    /// <summary>The latest snapshot.</summary>
    public ProcSnapshot Last { get; private set; }

    /// <summary>CPU ticks of the whole process since the window opened.</summary>
    public long CpuTicks => _endTicks - _startTicks;

    /// <summary>Takes in one more snapshot.</summary>
    public void Add(ProcSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Last = snapshot;
        _endTicks = snapshot.CpuTicks;
        MaxThreads = Math.Max(MaxThreads, snapshot.Threads.Count);
        foreach (ProcThread t in snapshot.Threads)
        {
            if (!_baseline.ContainsKey(t.Tid))
            {
                _baseline[t.Tid] = new ProcThread(t.Tid, t.Name, 0, 0, 0);
                ThreadsStarted++;
            }

            _latest[t.Tid] = t;
        }
    }

    /// <summary>Voluntary and involuntary context switches of every thread seen, since the window opened.</summary>
    public (long Voluntary, long Involuntary) Switches()
    {
        long voluntary = 0, involuntary = 0;
        foreach ((int tid, ProcThread last) in _latest)
        {
            ProcThread first = _baseline[tid];
            voluntary += last.VoluntarySwitches - first.VoluntarySwitches;
            involuntary += last.InvoluntarySwitches - first.InvoluntarySwitches;
        }

        return (voluntary, involuntary);
    }

    /// <summary>CPU ticks per thread name since the window opened, largest first, with the ticks of threads that exited unseen.</summary>
    public IReadOnlyList<(string Name, long Ticks)> CpuByName()
    {
        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        long seen = 0;
        foreach ((int tid, ProcThread last) in _latest)
        {
            long ticks = last.CpuTicks - _baseline[tid].CpuTicks;
            seen += ticks;
            byName[last.Name] = byName.GetValueOrDefault(last.Name) + ticks;
        }

        var rows = new List<(string Name, long Ticks)>();
        foreach ((string name, long ticks) in byName)
        {
            if (ticks > 0)
            {
                rows.Add((name, ticks));
            }
        }

        long unseen = CpuTicks - seen;
        if (unseen > 0)
        {
            rows.Add(("(exited unseen)", unseen));
        }

        rows.Sort(static (a, b) => b.Ticks.CompareTo(a.Ticks));
        return rows;
    }
}
