namespace Gossip.LoadGen.Runner;

/// <summary>What a <see cref="PartRun"/> needs besides its cluster and plan; defaults are those of the <c>part</c> command.</summary>
internal sealed record PartSettings
{
    /// <summary>The command line, printed beside the figures. Default empty.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>Fanout the nodes run with (for the report). Default 3.</summary>
    public int Fanout { get; init; } = 3;

    /// <summary>Dissemination mode the nodes run with (for the report). Default "PushPull".</summary>
    public string Mode { get; init; } = "PushPull";

    /// <summary>Whether frames are encrypted (for the report). Default false.</summary>
    public bool Encrypted { get; init; }

    /// <summary>Longest wait, in the coordinator, for its nodes to see the whole cluster before it announces the start anyway. Default 60 s.</summary>
    public TimeSpan WarmupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait, in the other processes, for the start announcement. Default 120 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Time from the announcement to the start: the announcement spreads and join traffic dies down. Default 6 s.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>How often conditions are checked. Default 250 ms.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(250);
}
