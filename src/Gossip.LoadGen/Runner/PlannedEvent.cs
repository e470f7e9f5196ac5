namespace Gossip.LoadGen.Runner;

/// <summary>One rumor or crash of a <see cref="PartPlan"/>: the node it happens at and when, from the shared start.</summary>
/// <param name="Number">Its place in the plan, from 0.</param>
/// <param name="Part">The process of the node.</param>
/// <param name="Index">The node's index in its process.</param>
/// <param name="Offset">Time from the shared start.</param>
internal readonly record struct PlannedEvent(int Number, int Part, int Index, TimeSpan Offset)
{
    /// <summary>The node's index in the whole cluster (part-major).</summary>
    public int GlobalIndex(int nodesPerPart) => (Part * nodesPerPart) + Index;
}
