using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Reporting;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// Crashes nodes one after another and times each detection (docs/measurement.md, "Failure-detection time"): crash a
/// random live node other than node 0 (the usual seed), wait until every live node that knew it has declared it dead
/// or the timeout passes, let a few rounds pass, then the next.
/// </summary>
/// <remarks>
/// Crashed nodes stay down. A restart is a rejoin whose join and refutation traffic would overlap the next detection
/// (the churn phase of <c>faults</c> measures restarts), and a UDP cluster under test cannot restart a node. So the
/// cluster shrinks by one node per crash; <see cref="MaxCrashes"/> keeps at least half of it, so 20 crashes of 128
/// nodes are detected by 127 down to 108 observers.
/// </remarks>
internal sealed class CrashSeries
{
    /// <summary>Crashes of a <c>targets</c> or <c>faults</c> run unless <c>--crashes</c> says otherwise (issue 10: at least 20).</summary>
    public const int DefaultCrashes = 20;

    private readonly IClusterUnderTest _cluster;
    private readonly PhaseRunner _runner;
    private readonly List<CrashDetection> _detections = [];
    private readonly Dictionary<NodeId, long> _crashedAt = [];

    /// <summary>A series on <paramref name="cluster"/>, its phases recorded by <paramref name="runner"/>.</summary>
    public CrashSeries(IClusterUnderTest cluster, PhaseRunner runner)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(runner);
        _cluster = cluster;
        _runner = runner;
    }

    /// <summary>Every crash so far, in order.</summary>
    public IReadOnlyList<CrashDetection> Detections => _detections;

    /// <summary>When each crashed node was crashed (cluster timestamps): a death declared before that is a false positive.</summary>
    public IReadOnlyDictionary<NodeId, long> CrashedAt => _crashedAt;

    /// <summary>The most crashes a cluster of <paramref name="nodes"/> takes: fewer than half of it, at least one when there is an observer.</summary>
    public static int MaxCrashes(int nodes) => nodes < 2 ? 0 : Math.Max(1, (nodes - 1) / 2);

    /// <summary>
    /// Runs <paramref name="crashes"/> crashes (at most <see cref="MaxCrashes"/>), each waited for up to
    /// <paramref name="timeout"/>, with <paramref name="roundsBetween"/> rounds between one detection and the next crash.
    /// </summary>
    public void Run(int crashes, IRandomSource random, TimeSpan timeout, int roundsBetween)
    {
        ArgumentNullException.ThrowIfNull(random);
        int count = Math.Min(crashes, MaxCrashes(_cluster.Count));
        long frequency = _cluster.Time.TimestampFrequency;
        for (int k = 1; k <= count; k++)
        {
            if (k > 1)
            {
                // Lets the news of the last death die down, so one detection's traffic does not carry the next.
                _runner.RunFor($"crash {k}/{count}: settle", _cluster.Interval * roundsBetween);
            }

            int victim = RandomVictim(random);
            NodeId victimId = _cluster.IdOf(victim);
            HashSet<NodeId> observers = KnowersOf(victim, victimId);
            long crashedAt = _cluster.Time.GetTimestamp();
            _crashedAt[victimId] = crashedAt;
            _runner.Run($"crash {k}/{count}: crash node {victim}", () =>
            {
                _cluster.Crash(victim);
                return victim;
            });
            _runner.RunUntil($"crash {k}/{count}: failure detection", () => _cluster.Log.DeathsOf(victimId, observers, crashedAt).Count >= observers.Count, timeout);
            (int detectedBy, long first, long last) = _cluster.Log.DeathsOf(victimId, observers, crashedAt);
            bool all = detectedBy >= observers.Count && detectedBy > 0;
            TimeSpan lastElapsed = all ? Timestamps.Between(crashedAt, last, frequency) : TimeSpan.MaxValue;
            _detections.Add(new CrashDetection
            {
                Victim = victim,
                FirstMs = detectedBy > 0 ? Timestamps.Between(crashedAt, first, frequency).TotalMilliseconds : double.PositiveInfinity,
                LastMs = all ? lastElapsed.TotalMilliseconds : double.PositiveInfinity,
                LastRounds = all ? Timestamps.Rounds(lastElapsed, _cluster.Interval) : double.PositiveInfinity,
                DetectedBy = detectedBy,
                Expected = observers.Count,
            });
        }
    }

    private int RandomVictim(IRandomSource random)
    {
        // MaxCrashes leaves more than half the nodes live, so a draw finds one within a few tries.
        while (true)
        {
            int index = random.Next(_cluster.Count);
            if (index != 0 && _cluster.IsLive(index))
            {
                return index;
            }
        }
    }

    private HashSet<NodeId> KnowersOf(int victim, NodeId victimId)
    {
        var ids = new HashSet<NodeId>();
        for (int i = 0; i < _cluster.Count; i++)
        {
            if (i != victim && _cluster.IsLive(i) && _cluster.Knows(i, victimId))
            {
                ids.Add(_cluster.IdOf(i));
            }
        }

        return ids;
    }
}
