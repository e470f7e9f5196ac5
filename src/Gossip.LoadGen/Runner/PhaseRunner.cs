using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// The scenario runner: runs named phases against a cluster, either for a fixed time or until a condition holds
/// (checked every <see cref="Poll"/>) or a timeout passes, keeps a record of each phase and feeds the live progress line.
/// Time passes only through <see cref="IClusterUnderTest.Wait"/>, so a run in simulation or on a fake clock is exact.
/// </summary>
internal sealed class PhaseRunner
{
    private readonly IClusterUnderTest _cluster;
    private readonly Progress _progress;
    private readonly long _origin;
    // Room up front for far more phases than come before a steady window (targets has three): the steady-window phase is
    // recorded inside that window, whose allocations are measured process-wide, so the list must not grow there.
    private readonly List<PhaseRecord> _phases = new(capacity: 64);

    /// <summary>Creates a runner; phase start times are measured from now.</summary>
    public PhaseRunner(IClusterUnderTest cluster, Progress progress, TimeSpan poll)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(poll, TimeSpan.Zero);
        _cluster = cluster;
        _progress = progress;
        Poll = poll;
        _origin = cluster.Time.GetTimestamp();
    }

    /// <summary>How often conditions are checked and the progress line refreshed.</summary>
    public TimeSpan Poll { get; }

    /// <summary>The phases run so far, in order.</summary>
    public IReadOnlyList<PhaseRecord> Phases => _phases;

    /// <summary>Runs until <paramref name="done"/> holds (checked first, then after every poll) or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public bool RunUntil(string name, Func<bool> done, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(done);
        long start = _cluster.Time.GetTimestamp();
        _progress.Phase(name);
        long datagrams = TotalDatagramsSent();
        bool completed;
        while (!(completed = done()))
        {
            TimeSpan elapsed = _cluster.Time.GetElapsedTime(start);
            if (elapsed >= timeout)
            {
                break;
            }

            TimeSpan step = Min(Poll, timeout - elapsed);
            _cluster.Wait(step);
            datagrams = Report(start, step, datagrams);
        }

        _progress.EndLine();
        Record(name, start, completed);
        return completed;
    }

    /// <summary>Runs for <paramref name="duration"/> of scenario time, refreshing the progress line every poll.</summary>
    public void RunFor(string name, TimeSpan duration)
    {
        long start = _cluster.Time.GetTimestamp();
        _progress.Phase(name);
        long datagrams = TotalDatagramsSent();
        TimeSpan elapsed;
        while ((elapsed = _cluster.Time.GetElapsedTime(start)) < duration)
        {
            TimeSpan step = Min(Poll, duration - elapsed);
            _cluster.Wait(step);
            datagrams = Report(start, step, datagrams);
        }

        _progress.EndLine();
        Record(name, start, completed: true);
    }

    /// <summary>Runs an instant action (a crash, a broadcast) as a phase of its own.</summary>
    public T Run<T>(string name, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        long start = _cluster.Time.GetTimestamp();
        _progress.Phase(name);
        T result = action();
        Record(name, start, completed: true);
        return result;
    }

    private long Report(long phaseStart, TimeSpan step, long datagramsBefore)
    {
        long datagrams = TotalDatagramsSent();
        _progress.Update(_cluster.Time.GetElapsedTime(phaseStart), _cluster.ConvergedCount(), LiveCount(), (datagrams - datagramsBefore) / step.TotalSeconds);
        return datagrams;
    }

    private void Record(string name, long start, bool completed)
    {
        long end = _cluster.Time.GetTimestamp();
        long frequency = _cluster.Time.TimestampFrequency;
        _phases.Add(new PhaseRecord(
            name,
            Timestamps.Between(_origin, start, frequency).TotalSeconds,
            Timestamps.Between(start, end, frequency).TotalSeconds,
            completed));
    }

    private long TotalDatagramsSent()
    {
        long total = 0;
        for (int i = 0; i < _cluster.Count; i++)
        {
            total += _cluster.Traffic(i).DatagramsSent;
        }

        return total;
    }

    private int LiveCount()
    {
        int live = 0;
        for (int i = 0; i < _cluster.Count; i++)
        {
            live += _cluster.IsLive(i) ? 1 : 0;
        }

        return live;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
