namespace Gossip.LoadGen.Reporting;

/// <summary>Every figure of a <c>targets</c> (or one <c>scale</c>) run, with the definitions of DESIGN.md section 4. Serialized as the JSON report.</summary>
internal sealed record TargetsReport
{
    public required string Command { get; init; }
    public required string Transport { get; init; }
    public required int Nodes { get; init; }
    public required double IntervalMs { get; init; }
    public required int Fanout { get; init; }
    public required string Mode { get; init; }
    public required int MachineCores { get; init; }
    public required string Date { get; init; }
    public required double WarmupSeconds { get; init; }
    public required int ConvergedAtWarmupEnd { get; init; }
    public required double WindowSeconds { get; init; }
    public required double CpuPercentPerNode { get; init; }
    public required double CpuPercentProcess { get; init; }
    public required double BandwidthKBpsPerNode { get; init; }
    public required double BandwidthKBpsBusiestNode { get; init; }
    public required double DatagramsPerNodePerSecond { get; init; }
    public required double AllocatedBytesPerNodeRound { get; init; }
    public required int Gen0Collections { get; init; }
    public required int Gen1Collections { get; init; }
    public required int Gen2Collections { get; init; }
    public required int Rumors { get; init; }
    public required double RumorP50Ms { get; init; }
    public required double RumorP90Ms { get; init; }
    public required double RumorP100Ms { get; init; }
    public required double DetectionFirstMs { get; init; }
    public required double DetectionLastMs { get; init; }
    public required int DetectedBy { get; init; }
    public required int FalsePositives { get; init; }
    public required bool SeedTargetsMet { get; init; }
}
