namespace Gossip.Engine;

/// <summary>
/// A node's estimate of the system-wide aggregates over the values members publish, from the last completed
/// aggregation epoch. <see cref="Epoch"/> 0 means no epoch has completed yet.
/// </summary>
public readonly record struct AggregateEstimate(uint Epoch, double Average, double Sum, double Count, double Min, double Max);
