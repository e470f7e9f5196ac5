using System.Diagnostics;
using Gossip.Engine.Runtime;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// Runs many seeds, each an independent deterministic run, spread over the machine's cores. The outcome of a seed does
/// not depend on which thread ran it or what ran beside it.
/// </summary>
internal static class ChaosCampaign
{
    /// <summary>Runs seeds <paramref name="firstSeed"/> .. <paramref name="firstSeed"/> + <paramref name="count"/> - 1; outcomes by seed.</summary>
    public static ChaosOutcome[] Run(ulong firstSeed, int count, ProtocolMutation mutation = ProtocolMutation.None, int parallelism = 0, Action<ChaosOutcome>? done = null)
    {
        var outcomes = new ChaosOutcome[count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };
        Parallel.For(0, count, options, i =>
        {
            ChaosOutcome outcome = RunOne(ScheduleDrawer.Draw(firstSeed + (ulong)i), mutation);
            outcomes[i] = outcome;
            done?.Invoke(outcome);
        });
        return outcomes;
    }

    /// <summary>Runs one schedule, timing it; <paramref name="log"/> receives the readable event log.</summary>
    public static ChaosOutcome RunOne(ChaosSchedule schedule, ProtocolMutation mutation = ProtocolMutation.None, TextWriter? log = null)
    {
        long start = Stopwatch.GetTimestamp();
        ChaosOutcome outcome = new ChaosRun(schedule, mutation, log).Run();
        outcome.ElapsedMilliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return outcome;
    }
}
