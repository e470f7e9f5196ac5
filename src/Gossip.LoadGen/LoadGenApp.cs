using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Scenarios;

namespace Gossip.LoadGen;

/// <summary>Command dispatch; returns the process exit code (0 ok, 1 seed target missed, 2 bad arguments).</summary>
internal static class LoadGenApp
{
    /// <summary>The exit code of a command line the parser rejects (an unknown command or option, a bad value).</summary>
    public const int BadArguments = 2;

    /// <summary>
    /// Parses <paramref name="args"/> completely (System.CommandLine), then runs the command; help, completions
    /// (<c>[suggest]</c>) and the reports go to <paramref name="output"/>, parse errors to <paramref name="error"/>
    /// (default: standard error), each naming the option at fault, with exit code 2.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter? error = null)
    {
        error ??= Console.Error;
        RootCommand root = LoadGenCommandLine.Create(parsed => Dispatch(parsed, output));
        ParseResult result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is ParseErrorAction)
        {
            foreach (ParseError e in result.Errors)
            {
                error.WriteLine($"error: {e.Message}");
            }

            string command = result.CommandResult.Command == root ? "" : result.CommandResult.Command.Name + " ";
            error.WriteLine($"Run '{LoadGenCommandLine.ToolName} {command}--help' for the options.");
            return BadArguments;
        }

        return result.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private static int Dispatch(LoadGenArguments parsed, TextWriter output)
    {
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
            case "replicate":
                return ReplicateScenario.Run(parsed, progress, output);
            case "faults":
                return FaultsScenario.Run(parsed, progress, output);
            case "chaos":
                return ChaosScenario.Run(parsed, progress, output);
            case "part":
                return PartScenario.Run(parsed, progress, output);
            case "merge":
                return MergeCommand.Run(parsed, output);
            case "embedded":
                return EmbeddedScenario.Run(parsed, progress, output);
            case "hostile":
                return HostileScenario.Run(parsed, progress, output);
            case "node":
                return NodeCommand.Run(parsed, output);
            case "version":
                return VersionCommand.Run(output);
            default:
                throw new ArgumentOutOfRangeException(nameof(parsed), parsed.Command, "No such command.");
        }
    }
}
