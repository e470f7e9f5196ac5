using System.Globalization;
using System.Text;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// One chaos run as data: the cluster drawn for a seed and its faults. <see cref="Seed"/> also seeds every random
/// choice of the simulation itself, so the same schedule gives the same trace on any machine; the shrinker edits a
/// schedule and keeps the seed.
/// </summary>
internal sealed record ChaosSchedule
{
    /// <summary>The seed the schedule was drawn from and the simulation runs with.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Nodes at the start.</summary>
    public required int Nodes { get; init; }

    /// <summary>The options preset every node runs.</summary>
    public ChaosPreset Preset { get; init; }

    /// <summary>Loss that stays for the whole fault phase (not the quiet period).</summary>
    public double BaseLoss { get; init; }

    /// <summary>Duplication that stays for the whole fault phase.</summary>
    public double BaseDuplication { get; init; }

    /// <summary>Longest one-way delay outside jitter faults, in milliseconds.</summary>
    public int MaxDelayMs { get; init; } = 5;

    /// <summary>True when frames are encrypted with a cluster key (and key rotations can be drawn).</summary>
    public bool Encrypted { get; init; }

    /// <summary>
    /// True when nodes sleep through their quiet rounds as a wheel of a few nodes on the real clock lets them (not ticked
    /// until a round has work; the skipped rounds run when they next wake), under every fault the schedule holds.
    /// </summary>
    public bool SleepQuietRounds { get; init; }

    /// <summary>The faults, by start round.</summary>
    public required IReadOnlyList<ChaosFault> Faults { get; init; }

    /// <summary>Rounds of the fault phase: the last fault's end.</summary>
    public int FaultRounds
    {
        get
        {
            int end = 0;
            foreach (ChaosFault fault in Faults)
            {
                end = Math.Max(end, fault.EndRound + 1);
            }

            return end;
        }
    }

    /// <summary>The gossip interval of <see cref="Preset"/>.</summary>
    public TimeSpan Interval => ChaosPresets.Options(Preset).GossipInterval;

    /// <summary>The schedule in words, one fault per line.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"seed {Seed}: {Nodes} nodes, {Preset} preset ({Interval.TotalMilliseconds:0} ms rounds)");
        text.Append(CultureInfo.InvariantCulture, $", base loss {BaseLoss:P1}, duplication {BaseDuplication:P1}, delays up to {MaxDelayMs} ms");
        text.Append(Encrypted ? ", encrypted" : ", plaintext");
        text.Append(SleepQuietRounds ? ", quiet rounds slept" : string.Empty);
        text.Append(CultureInfo.InvariantCulture, $", {Faults.Count} faults over {FaultRounds} rounds");
        foreach (ChaosFault fault in Faults)
        {
            text.AppendLine().Append("  ").Append(fault.Describe(Interval));
        }

        return text.ToString();
    }
}
