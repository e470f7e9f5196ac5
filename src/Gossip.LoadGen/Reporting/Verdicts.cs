namespace Gossip.LoadGen.Reporting;

/// <summary>
/// The targets of the 128-node run, in one place (listed in docs/measurement.md): the seed's claims (CPU &lt; 2 % and bandwidth
/// &lt; 60 KB/s per node; missing one is exit code 1) and our own goals (reported, not fatal).
/// </summary>
internal static class Verdicts
{
    /// <summary>Seed target: CPU per node below this % of one core.</summary>
    public const double SeedCpuPercent = 2.0;

    /// <summary>Seed target: bandwidth per node below this many KB/s.</summary>
    public const double SeedBandwidthKBps = 60.0;

    /// <summary>Goal: CPU per node at most this % of one core.</summary>
    public const double GoalCpuPercent = 0.015;

    /// <summary>Goal: bandwidth per node at most this many KB/s.</summary>
    public const double GoalBandwidthKBps = 0.25;

    /// <summary>Goal: every live node declares a crashed node dead within this many ms, median over the crashes (issue 10).</summary>
    public const double GoalDetectionP50Ms = 3_000;

    /// <summary>Goal: the same, p90 over the crashes.</summary>
    public const double GoalDetectionP90Ms = 4_000;

    /// <summary>Goal: a rumor reaches every node within this many ms (p100, median of 10).</summary>
    public const double GoalRumorP100Ms = 300;

    /// <summary>Judges the figures; seed targets first.</summary>
    /// <remarks>A figure that was never measured (NaN or infinite) misses its target.</remarks>
    public static IReadOnlyList<GoalVerdict> Judge(double cpuPercentPerNode, double kbpsPerNode, double rumorP100Ms, DetectionDistribution detection, int falsePositives)
    {
        ArgumentNullException.ThrowIfNull(detection);
        return
        [
            new("CPU per node (% of one core)", $"< {SeedCpuPercent} % (seed)", cpuPercentPerNode, cpuPercentPerNode < SeedCpuPercent, Fatal: true),
            new("bandwidth per node (KB/s)", $"< {SeedBandwidthKBps} KB/s (seed)", kbpsPerNode, kbpsPerNode < SeedBandwidthKBps, Fatal: true),
            new("CPU per node (% of one core)", $"<= {GoalCpuPercent} % (goal)", cpuPercentPerNode, cpuPercentPerNode <= GoalCpuPercent, Fatal: false),
            new("bandwidth per node (KB/s)", $"<= {GoalBandwidthKBps} KB/s (goal)", kbpsPerNode, kbpsPerNode <= GoalBandwidthKBps, Fatal: false),
            new("rumor to all nodes, p100 (ms)", $"<= {GoalRumorP100Ms} ms (goal)", rumorP100Ms, rumorP100Ms <= GoalRumorP100Ms, Fatal: false),
            .. JudgeDetection(detection, falsePositives, ""),
        ];
    }

    /// <summary>
    /// The detection goal of issue 10: the last detector's p50 and p90 over the crashes, and no false positives;
    /// <paramref name="suffix"/> names the case (a loss rate in <c>faults</c>).
    /// </summary>
    public static IReadOnlyList<GoalVerdict> JudgeDetection(DetectionDistribution detection, int falsePositives, string suffix)
    {
        ArgumentNullException.ThrowIfNull(detection);
        return
        [
            new($"crash detected by every live node, p50 (ms){suffix}", $"<= {GoalDetectionP50Ms} ms (goal)", detection.LastP50Ms, detection.LastP50Ms <= GoalDetectionP50Ms, Fatal: false),
            new($"crash detected by every live node, p90 (ms){suffix}", $"<= {GoalDetectionP90Ms} ms (goal)", detection.LastP90Ms, detection.LastP90Ms <= GoalDetectionP90Ms, Fatal: false),
            new($"false positives (live nodes declared dead){suffix}", "0 (goal)", falsePositives, falsePositives == 0, Fatal: false),
        ];
    }

    /// <summary>True when every fatal (seed) verdict is met.</summary>
    public static bool SeedTargetsMet(IReadOnlyList<GoalVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        foreach (GoalVerdict v in verdicts)
        {
            if (v.Fatal && !v.Met)
            {
                return false;
            }
        }

        return true;
    }
}
