using System.Globalization;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// One fault of a chaos schedule, starting at <see cref="Round"/> of the fault phase. A fault that cannot apply when
/// its round comes (its node is down, or it would leave fewer than two live nodes) is skipped and logged, so a
/// schedule stays valid when the shrinker removes faults before it.
/// </summary>
internal readonly record struct ChaosFault(FaultKind Kind, int Round, int Rounds, int Node, int Value, double Rate)
{
    /// <summary>Round at which the fault's effect ends (the start for instant faults).</summary>
    public int EndRound => Kind is FaultKind.LossBurst or FaultKind.Jitter or FaultKind.Partition or FaultKind.LinkCut or FaultKind.Pause
        or FaultKind.KeyRotation or FaultKind.Crash ? Round + Math.Max(0, Rounds) : Round;

    /// <summary>The fault in words, with durations in seconds of virtual time at <paramref name="interval"/> per round.</summary>
    public string Describe(TimeSpan interval)
    {
        string at = $"round {Round}";
        string lasting = Seconds(Rounds, interval);
        return Kind switch
        {
            FaultKind.LossBurst => $"{at}: {Rate:P0} datagram loss for {lasting}",
            FaultKind.Jitter => $"{at}: {Rate:P0} duplication and delays up to {Value} ms for {lasting}",
            FaultKind.Partition => $"{at}: partition into {Value} groups for {lasting}",
            FaultKind.LinkCut => $"{at}: link n{Node}-n{Value} cut for {lasting}",
            FaultKind.Crash when Rounds < 0 => $"{at}: n{Node} crashes for good",
            FaultKind.Crash when Rounds == 0 => $"{at}: n{Node} crashes and restarts within the same second",
            FaultKind.Crash => $"{at}: n{Node} crashes, restarts after {lasting}",
            FaultKind.Pause => $"{at}: n{Node} paused (stop-the-world) for {lasting}",
            FaultKind.ClockStep => $"{at}: n{Node}'s wall clock stepped {Value:+#;-#;0} s",
            FaultKind.KeyRotation => $"{at}: cluster key rotated node by node over {lasting}",
            FaultKind.Join => $"{at}: a new node joins through n{Node}",
            FaultKind.Leave => $"{at}: n{Node} leaves gracefully",
            FaultKind.Write => $"{at}: n{Node} writes key k{Value}",
            FaultKind.Remove => $"{at}: n{Node} removes key k{Value}",
            _ => $"{at}: {Kind}",
        };
    }

    private static string Seconds(int rounds, TimeSpan interval)
    {
        double seconds = rounds * interval.TotalSeconds;
        return seconds >= 3600 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.##} h ({rounds} rounds)")
            : seconds >= 60 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#} min ({rounds} rounds)")
            : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.#} s ({rounds} rounds)");
    }
}
