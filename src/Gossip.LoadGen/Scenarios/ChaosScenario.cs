using System.Globalization;
using System.Text.Json;
using Gossip.Engine.Runtime;
using Gossip.LoadGen.Chaos;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>chaos</c>: many random fault schedules on the deterministic simulation with invariants checked
/// (<see cref="ChaosRun"/>), or one seed or saved schedule replayed with its event log. Exit 1 on any violation.
/// </summary>
internal static class ChaosScenario
{
    private const string Replay = "dotnet run -c Release --project src/Gossip.LoadGen -- chaos";

    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        ProtocolMutation mutation = args.Mutation switch
        {
            "no-refutation" => ProtocolMutation.NoRefutation,
            "no-reconnection" => ProtocolMutation.NoReconnection,
            _ => ProtocolMutation.None,
        };
        if (args.ScheduleFile is { } file)
        {
            return ReplayOne(Load(file), mutation, args, output);
        }

        return args.Replay is { } seed
            ? ReplayOne(ScheduleDrawer.Draw(seed), mutation, args, output)
            : RunCampaign(args, mutation, progress, output);
    }

    private static int ReplayOne(ChaosSchedule schedule, ProtocolMutation mutation, LoadGenArguments args, TextWriter output)
    {
        using TextWriter log = args.LogPath is { } path ? new StreamWriter(path) : TextWriter.Null;
        ChaosOutcome outcome = ChaosCampaign.RunOne(schedule, mutation, args.LogPath is null ? output : log);
        output.WriteLine(Summary(outcome));
        if (outcome.Failed && args.Shrink)
        {
            PrintShrunk(schedule, mutation, output);
        }

        return outcome.Failed ? 1 : 0;
    }

    private static int RunCampaign(LoadGenArguments args, ProtocolMutation mutation, Progress progress, TextWriter output)
    {
        output.WriteLine($"command: {args.CommandLine}");
        progress.Phase($"chaos: {args.ChaosSeeds} seeds from {args.Seed}");
        int done = 0;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        ChaosOutcome[] outcomes = ChaosCampaign.Run(args.Seed, args.ChaosSeeds, mutation, done: _ =>
        {
            int finished = Interlocked.Increment(ref done);
            if (finished % 25 == 0)
            {
                progress.Phase($"chaos: {finished}/{args.ChaosSeeds} seeds");
            }
        });
        double elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;

        long nodeRounds = 0, checks = 0, falseDeaths = 0;
        var converged = new List<int>();
        var failures = new List<ChaosFailure>();
        var drawn = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (ChaosOutcome outcome in outcomes)
        {
            nodeRounds += outcome.NodeRounds;
            checks += outcome.Checks;
            falseDeaths += outcome.FalseDeathsUnderFaults;
            if (outcome.ConvergedAfterRounds >= 0)
            {
                converged.Add(outcome.ConvergedAfterRounds);
            }

            ChaosSchedule schedule = ScheduleDrawer.Draw(outcome.Seed);
            foreach (ChaosFault fault in schedule.Faults)
            {
                string kind = fault.Kind.ToString();
                drawn[kind] = drawn.GetValueOrDefault(kind) + 1;
            }

            if (outcome.Failed)
            {
                Violation first = outcome.Violations[0];
                failures.Add(new ChaosFailure(outcome.Seed, first.Invariant, first.Round, first.Detail, ReplayCommand(outcome.Seed, args.Mutation), schedule.Describe()));
            }
        }

        converged.Sort();
        int p50 = converged.Count > 0 ? converged[converged.Count / 2] : -1;
        int max = converged.Count > 0 ? converged[^1] : -1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeds {outcomes.Length} ({args.Seed}..{args.Seed + (ulong)outcomes.Length - 1}), {nodeRounds:N0} node-rounds, {checks:N0} invariant checks, {elapsed:F1} s on {Environment.ProcessorCount} cores"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput {nodeRounds / elapsed:N0} simulated node-rounds/s, {outcomes.Length / elapsed * 60:N0} seeds/min"));
        output.WriteLine($"faults drawn: {string.Join(", ", drawn.Select(p => $"{p.Key} {p.Value}"))}");
        output.WriteLine($"converged after the faults in p50 {p50} / max {max} quiet rounds (bound {ChaosRun.QuietBoundRounds}); false deaths under faults (allowed, counted): {falseDeaths}");
        output.WriteLine($"violations: {failures.Count}");
        foreach (ChaosFailure failure in failures)
        {
            output.WriteLine($"  seed {failure.Seed}: round {failure.Round}: {failure.Invariant}: {failure.Detail}");
            output.WriteLine($"    replay: {failure.Replay} --log run.log");
            output.WriteLine("    " + failure.Schedule.Replace("\n", "\n    ", StringComparison.Ordinal));
        }

        if (failures.Count > 0 && args.Shrink)
        {
            PrintShrunk(ScheduleDrawer.Draw(failures[0].Seed), mutation, output);
        }

        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(
                new ChaosReport
                {
                    CommandLine = args.CommandLine,
                    Date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    FirstSeed = args.Seed,
                    Seeds = outcomes.Length,
                    QuietBoundRounds = ChaosRun.QuietBoundRounds,
                    SettleRounds = ChaosRun.SettleRounds,
                    NodeRounds = nodeRounds,
                    InvariantChecks = checks,
                    ElapsedSeconds = elapsed,
                    NodeRoundsPerSecond = nodeRounds / elapsed,
                    SeedsPerMinute = outcomes.Length / elapsed * 60,
                    FalseDeathsUnderFaults = falseDeaths,
                    ConvergedP50Rounds = p50,
                    ConvergedMaxRounds = max,
                    FaultsDrawn = drawn,
                    Failures = failures,
                },
                json);
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static void PrintShrunk(ChaosSchedule schedule, ProtocolMutation mutation, TextWriter output)
    {
        ShrinkResult shrunk = Shrinker.Shrink(schedule, mutation);
        string path = Path.GetFullPath($"chaos-shrunk-{schedule.Seed}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(shrunk.Schedule));
        output.WriteLine($"smallest failing schedule found in {shrunk.Runs} runs:");
        output.WriteLine(shrunk.Schedule.Describe());
        output.WriteLine(shrunk.Outcome.Failed ? $"  fails with: {shrunk.Outcome.Violations[0]}" : "  (the original no longer fails)");
        output.WriteLine($"  replay: {Replay} --schedule {path}");
    }

    private static ChaosSchedule Load(string path) =>
        JsonSerializer.Deserialize<ChaosSchedule>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} holds no schedule");

    private static string ReplayCommand(ulong seed, string? mutation) =>
        mutation is null ? $"{Replay} --replay {seed}" : $"{Replay} --replay {seed} --mutation {mutation}";

    private static string Summary(ChaosOutcome outcome)
    {
        string verdict = outcome.Failed ? $"FAILED: {string.Join("; ", outcome.Violations)}" : "all invariants held";
        return string.Create(CultureInfo.InvariantCulture, $"seed {outcome.Seed}: {outcome.Rounds} rounds, {outcome.NodeRounds:N0} node-rounds, trace {outcome.TraceHash:x16}, converged after {outcome.ConvergedAfterRounds} quiet rounds, {outcome.FalseDeathsUnderFaults} false deaths under faults, {outcome.Suspicions} suspicions, {outcome.ElapsedMilliseconds:F0} ms: {verdict}");
    }
}
