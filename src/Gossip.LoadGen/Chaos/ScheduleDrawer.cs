using Gossip.Engine;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// Draws a cluster and a fault schedule from a seed. The shape favours what finds bugs cheaply: mostly small
/// clusters and short faults, with a heavy tail of long partitions (up to an hour of virtual time) and larger
/// clusters, so a few hundred seeds cover every fault kind many times.
/// </summary>
internal static class ScheduleDrawer
{
    /// <summary>Most nodes a drawn cluster starts with.</summary>
    public const int MaxNodes = 32;

    /// <summary>Longest partition drawn, in virtual time.</summary>
    public static readonly TimeSpan MaxPartition = TimeSpan.FromHours(1);

    public static ChaosSchedule Draw(ulong seed)
    {
        var random = new SeededRandom(seed ^ 0xC4A05C4A05UL);
        double size = random.NextDouble();
        int nodes = size < 0.6 ? 3 + random.Next(6) : size < 0.9 ? 9 + random.Next(12) : 21 + random.Next(MaxNodes - 20);
        double presetDraw = random.NextDouble();
        ChaosPreset preset = presetDraw < 0.6 ? ChaosPreset.Lan : presetDraw < 0.85 ? ChaosPreset.Local : ChaosPreset.Wan;
        TimeSpan interval = ChaosPresets.Options(preset).GossipInterval;
        bool encrypted = random.NextDouble() < 0.25;
        var faults = new List<ChaosFault>();
        int phase = 50 + random.Next(400);
        int count = 1 + random.Next(10);
        for (int i = 0; i < count; i++)
        {
            faults.Add(DrawFault(random, nodes, phase, interval, encrypted));
        }

        int writes = 3 + random.Next(20);
        for (int i = 0; i < writes; i++)
        {
            bool remove = random.NextDouble() < 0.2;
            faults.Add(new ChaosFault(remove ? FaultKind.Remove : FaultKind.Write, random.Next(phase), 0, random.Next(nodes), random.Next(6), 0));
        }

        faults.Sort(static (a, b) => a.Round != b.Round ? a.Round.CompareTo(b.Round) : a.Kind.CompareTo(b.Kind));
        return new ChaosSchedule
        {
            Seed = seed,
            Nodes = nodes,
            Preset = preset,
            BaseLoss = random.NextDouble() < 0.5 ? 0 : random.NextDouble() * 0.05,
            BaseDuplication = random.NextDouble() < 0.7 ? 0 : random.NextDouble() * 0.05,
            MaxDelayMs = preset == ChaosPreset.Wan ? 20 + random.Next(130) : 1 + random.Next(10),
            Encrypted = encrypted,

            // From the seed, not drawn: a quarter of the seeds sleep without moving any other seed's schedule.
            SleepQuietRounds = seed % 4 == 3,
            Faults = faults,
        };
    }

    private static ChaosFault DrawFault(SeededRandom random, int nodes, int phase, TimeSpan interval, bool encrypted)
    {
        int round = random.Next(phase);
        int node = random.Next(nodes);
        int roundsPerSecond = Math.Max(1, (int)Math.Round(1 / interval.TotalSeconds));
        double kind = random.NextDouble();
        return kind switch
        {
            < 0.14 => new ChaosFault(FaultKind.LossBurst, round, 5 + random.Next(150), 0, 0, 0.05 + (random.NextDouble() * 0.45)),
            < 0.24 => new ChaosFault(FaultKind.Jitter, round, 10 + random.Next(300), 0, 10 + random.Next(190), random.NextDouble() * 0.3),
            < 0.40 => new ChaosFault(FaultKind.Partition, round, PartitionRounds(random, interval), random.Next(1 << 20), 2 + random.Next(2), 0),
            < 0.46 => new ChaosFault(FaultKind.LinkCut, round, 10 + random.Next(300), node, random.Next(nodes), 0),
            < 0.60 => new ChaosFault(FaultKind.Crash, round, CrashRounds(random, roundsPerSecond), node, 0, 0),
            < 0.72 => new ChaosFault(FaultKind.Pause, round, 1 + random.Next(random.NextDouble() < 0.7 ? 2 * roundsPerSecond : 10 * roundsPerSecond), node, 0, 0),
            < 0.78 => new ChaosFault(FaultKind.ClockStep, round, 0, node, (random.NextDouble() < 0.5 ? -1 : 1) * (1 + random.Next(7200)), 0),
            < 0.84 when encrypted => new ChaosFault(FaultKind.KeyRotation, round, 5 + random.Next(100), 0, 0, 0),
            < 0.92 => new ChaosFault(FaultKind.Join, round, 0, node, 0, 0),
            _ => new ChaosFault(FaultKind.Leave, round, 0, node, 0, 0),
        };
    }

    /// <summary>Log-uniform from 1 s to <see cref="MaxPartition"/>: as many 1-10 s splits as 10-60 min ones.</summary>
    private static int PartitionRounds(SeededRandom random, TimeSpan interval)
    {
        double seconds = Math.Exp(random.NextDouble() * Math.Log(MaxPartition.TotalSeconds));
        return Math.Max(1, (int)(seconds / interval.TotalSeconds));
    }

    /// <summary>A third restart within the same second, a third after up to a minute, a third never.</summary>
    private static int CrashRounds(SeededRandom random, int roundsPerSecond)
    {
        double draw = random.NextDouble();
        return draw < 0.33 ? 0 : draw < 0.67 ? 1 + random.Next(60 * roundsPerSecond) : -1;
    }
}
