using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Scenarios;

namespace Gossip.LoadGen;

/// <summary>Command dispatch; returns the process exit code (0 ok, 1 seed target missed, 2 bad arguments).</summary>
internal static class LoadGenApp
{
    public static int Run(string[] args, TextWriter output)
    {
        LoadGenArguments? parsed = LoadGenArguments.Parse(args, out string? error);
        if (parsed is null)
        {
            Console.Error.WriteLine($"error: {error}");
            Console.Error.WriteLine(LoadGenArguments.Usage);
            return 2;
        }

        Progress progress = Progress.ForConsole(parsed.Quiet);
        switch (parsed.Command)
        {
            case "targets":
            {
                TargetsReport report = TargetsScenario.Run(parsed, progress, 128, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(60), "targets");
                TargetsPrinter.Print(report, output);
                if (parsed.JsonPath is { } json)
                {
                    TargetsPrinter.WriteJson(report, json);
                }

                if (parsed.ChartsDirectory is { } charts)
                {
                    TargetsPrinter.WriteCharts(report, charts);
                }

                return report.SeedTargetsMet ? 0 : 1;
            }

            case "scale":
                return ScaleScenario.Run(parsed, progress, output);
            case "converge":
                return ConvergeScenario.Run(parsed, progress, output);
            case "faults":
                return FaultsScenario.Run(parsed, progress, output);
            case "chaos":
                return ChaosScenario.Run(parsed, progress, output);
            case "node":
                return NodeCommand.Run(parsed, output);
            case "version":
                return VersionCommand.Run(output);
            default:
                output.WriteLine(LoadGenArguments.Usage);
                return 0;
        }
    }
}
