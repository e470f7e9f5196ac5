namespace Gossip.LoadGen.Reporting;

/// <summary>The <c>embedded</c> scenario: k node processes, one node each, measured from /proc and their own stats line.</summary>
internal sealed record EmbeddedReport
{
    /// <summary>The exact command line.</summary>
    public required string CommandLine { get; init; }

    /// <summary>UTC date and time of the run (yyyy-MM-dd HH:mm).</summary>
    public required string Date { get; init; }

    /// <summary>Processor count of the machine.</summary>
    public required int MachineCores { get; init; }

    /// <summary>/proc/loadavg (1, 5, 15 minutes) when the cluster had formed.</summary>
    public required string LoadAverageStart { get; init; }

    /// <summary>/proc/loadavg at the end.</summary>
    public required string LoadAverageEnd { get; init; }

    /// <summary>DOTNET_* variables of the node processes' environment: inherited, and the scenario's runtime settings (EmbeddedRuntimeKnobs).</summary>
    public required IReadOnlyList<string> RuntimeEnvironment { get; init; }

    /// <summary>What each node process runs: <c>dotnet LoadGen.dll node ...</c>, or the executable given with <c>--node-exe</c> (a NativeAOT build).</summary>
    public required string NodeCommand { get; init; }

    /// <summary>True when the processes were started one at a time (<c>--stagger</c>), each once the one before had joined.</summary>
    public required bool Staggered { get; init; }

    /// <summary>Node processes.</summary>
    public required int Processes { get; init; }

    /// <summary>Gossip interval, ms.</summary>
    public required double IntervalMs { get; init; }

    /// <summary>Window length, s.</summary>
    public required double WindowSeconds { get; init; }

    /// <summary>Milliseconds from the first process's start until every process had seen every other.</summary>
    public required double FormedMs { get; init; }

    /// <summary>Every process, the seed first.</summary>
    public required IReadOnlyList<EmbeddedProcessRow> ProcessRows { get; init; }

    /// <summary>Per window, over all processes.</summary>
    public required IReadOnlyList<EmbeddedWindowSummary> Windows { get; init; }

    /// <summary>The goals for an idle embedded node, each judged on the worst process.</summary>
    public required IReadOnlyList<string> Verdicts { get; init; }
}
