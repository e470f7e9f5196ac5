namespace Gossip.LoadGen.Measurement;

/// <summary>The process-wide figures read at the edges of a steady window.</summary>
/// <param name="CpuTime">User + system CPU time of the process (<see cref="Environment.CpuUsage"/>).</param>
/// <param name="AllocatedBytes"><see cref="GC.GetTotalAllocatedBytes(bool)"/> (precise).</param>
/// <param name="Gen0">Generation 0 collections so far.</param>
/// <param name="Gen1">Generation 1 collections so far.</param>
/// <param name="Gen2">Generation 2 collections so far.</param>
internal readonly record struct ProcessSample(TimeSpan CpuTime, long AllocatedBytes, int Gen0, int Gen1, int Gen2);
