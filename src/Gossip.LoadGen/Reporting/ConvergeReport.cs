namespace Gossip.LoadGen.Reporting;

/// <summary>The <c>converge</c> run.</summary>
internal sealed record ConvergeReport
{
    /// <summary>The exact command line.</summary>
    public required string CommandLine { get; init; }

    /// <summary>UTC date of the run (yyyy-MM-dd).</summary>
    public required string Date { get; init; }

    /// <summary>Processor count of the machine.</summary>
    public required int MachineCores { get; init; }

    /// <summary>Every case.</summary>
    public required IReadOnlyList<ConvergeRow> Cases { get; init; }
}
