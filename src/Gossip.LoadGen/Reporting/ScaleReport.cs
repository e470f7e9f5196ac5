namespace Gossip.LoadGen.Reporting;

/// <summary>The <c>scale</c> run: one full <see cref="TargetsReport"/> per cluster size and transport.</summary>
internal sealed record ScaleReport
{
    /// <summary>The exact command line.</summary>
    public required string CommandLine { get; init; }

    /// <summary>UTC date of the run (yyyy-MM-dd).</summary>
    public required string Date { get; init; }

    /// <summary>Processor count of the machine.</summary>
    public required int MachineCores { get; init; }

    /// <summary>Every figure of every size, smallest first.</summary>
    public required IReadOnlyList<TargetsReport> Sizes { get; init; }
}
