namespace Gossip.LoadGen.Runner;

/// <summary>What a <see cref="TargetsRun"/> does besides the cluster it is given; defaults are those of the <c>targets</c> command.</summary>
internal sealed record TargetsSettings
{
    /// <summary>Command name for the report. Default "targets".</summary>
    public string Command { get; init; } = "targets";

    /// <summary>The command line, printed beside the figures. Default empty.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>Fanout the nodes run with (for the report). Default 3.</summary>
    public int Fanout { get; init; } = 3;

    /// <summary>Dissemination mode the nodes run with (for the report). Default "PushPull".</summary>
    public string Mode { get; init; } = "PushPull";

    /// <summary>"aes-gcm" or "plaintext": how the nodes' frames travel (for the report). Default "plaintext".</summary>
    public string Security { get; init; } = "plaintext";

    /// <summary>Simulated loss rate (for the report). Default 0.</summary>
    public double Loss { get; init; }

    /// <summary>Seed of the origin choices. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Longest warm-up. Default 60 s.</summary>
    public TimeSpan WarmupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest wait after convergence for every pair of live nodes to have met (<see cref="IClusterUnderTest.UnmetPairs"/>;
    /// encrypted clusters only, plaintext ones pass at once). Default 180 s.
    /// </summary>
    public TimeSpan FirstContactTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>Rounds to let join traffic die down after convergence, before the window. Default 30.</summary>
    public int SettleRounds { get; init; } = 30;

    /// <summary>Longest wait, after settling, for the stream connections the joins opened to time out and close (<see cref="IClusterUnderTest.OpenStreams"/>).</summary>
    public TimeSpan StreamsClosedTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Steady window. Default 60 s.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Rumors originated (docs/measurement.md, "Dissemination time": at least 10). Default 10.</summary>
    public int Rumors { get; init; } = 10;

    /// <summary>Longest wait for one rumor to reach every live node. Default 10 s.</summary>
    public TimeSpan RumorTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Rounds between rumors, so each is retired before the next (they are measured one at a time). Default 5.</summary>
    public int RoundsBetweenRumors { get; init; } = 5;

    /// <summary>Nodes crashed one after another to measure detection as a distribution (at most <see cref="CrashSeries.MaxCrashes"/>). Default 20.</summary>
    public int Crashes { get; init; } = CrashSeries.DefaultCrashes;

    /// <summary>Rounds between one crash's detection and the next crash. Default 5.</summary>
    public int RoundsBetweenCrashes { get; init; } = 5;

    /// <summary>Longest wait for every live node to declare one crashed node dead. Default 60 s.</summary>
    public TimeSpan DetectionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often conditions are checked. Default 250 ms.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(250);
}
