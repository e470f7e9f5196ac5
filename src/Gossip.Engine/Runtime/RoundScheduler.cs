namespace Gossip.Engine.Runtime;

/// <summary>Placeholder; replaced by the real scheduler.</summary>
public sealed class RoundScheduler
{
    /// <summary>The process-wide scheduler.</summary>
    public static RoundScheduler Shared { get; } = new();
}
