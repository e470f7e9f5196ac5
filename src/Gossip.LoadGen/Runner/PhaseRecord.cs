namespace Gossip.LoadGen.Runner;

/// <summary>One phase of a scenario as it ran, for the report. A struct: the steady window's phase is recorded inside the window, which must not allocate.</summary>
/// <param name="Name">Phase name.</param>
/// <param name="StartSeconds">Start, in seconds since the runner was created (scenario clock).</param>
/// <param name="Seconds">Duration in seconds (scenario clock).</param>
/// <param name="Completed">False when a wait-until phase hit its timeout.</param>
internal readonly record struct PhaseRecord(string Name, double StartSeconds, double Seconds, bool Completed);
