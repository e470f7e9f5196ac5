namespace Gossip.LoadGen.Measurement;

/// <summary>Everything read at one edge of a steady window: the clock, the process, and every node's traffic and rounds. A struct, so sampling allocates nothing (see <see cref="WindowSampler"/>).</summary>
/// <param name="Timestamp">Scenario clock timestamp (wall or virtual).</param>
/// <param name="Process">Process CPU, allocations and GC counts.</param>
/// <param name="Traffic">Each node's transport counters, by node index.</param>
/// <param name="Rounds">Rounds run, summed over the nodes.</param>
internal readonly record struct WindowSample(long Timestamp, ProcessSample Process, IReadOnlyList<TrafficSnapshot> Traffic, long Rounds);
