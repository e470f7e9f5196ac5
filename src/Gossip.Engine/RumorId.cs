using Gossip.Wire;

namespace Gossip.Engine;

/// <summary>
/// Cluster-wide identity of a user rumor (a broadcast): the originating node, its sequence number, and the generation
/// of the originating process (each process numbers its broadcasts from 1).
/// </summary>
public readonly record struct RumorId(NodeId Origin, uint Sequence, uint Generation = 0)
{
    /// <summary>A 64-bit mix of the id, used in XOR digests of rumor sets.</summary>
    public ulong Hash => Mix(Origin.Value ^ ((ulong)Sequence << 32 | Sequence) ^ Mix(Generation));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
