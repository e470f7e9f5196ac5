namespace Gossip.LoadGen.Reporting;

/// <summary>One figure judged against a target: the seed's claims (fatal when missed) or the project's own goals (reported only); see docs/measurement.md, "Targets a targets run is judged against".</summary>
/// <param name="Figure">What is judged.</param>
/// <param name="Target">The target as text, e.g. "&lt; 2 %".</param>
/// <param name="Measured">The measured value in the target's unit.</param>
/// <param name="Met">Whether the target is met.</param>
/// <param name="Fatal">True for a seed target: missing it fails the run (exit code 1).</param>
internal sealed record GoalVerdict(string Figure, string Target, double Measured, bool Met, bool Fatal);
