using System.Buffers.Binary;
using System.Numerics;

namespace Gossip.Wire;

/// <summary>
/// The 16 child hashes of one tree node, in a <see cref="MessageType.DataTreeLevel"/> section:
/// <c>[parent:varint][mask:u16][hash:u64 × popcount(mask)]</c>. Bit c of the mask is set when child c's hash is not
/// zero (an empty subtree hashes to 0, so empty children cost nothing). <see cref="Hashes"/> is a slice of the frame.
/// </summary>
public readonly ref struct DataTreeChildren
{
    /// <summary>Creates the item over already-encoded hashes (8 bytes little-endian each, one per mask bit).</summary>
    public DataTreeChildren(ulong parent, ushort mask, ReadOnlySpan<byte> hashes)
    {
        Parent = parent;
        Mask = mask;
        Hashes = hashes;
    }

    /// <summary>The parent's index at the level above the section's.</summary>
    public ulong Parent { get; }

    /// <summary>Which children have a non-zero hash.</summary>
    public ushort Mask { get; }

    /// <summary>The non-zero hashes, in child order.</summary>
    public ReadOnlySpan<byte> Hashes { get; }

    /// <summary>The hash of child <paramref name="child"/> (0 to 15): 0 when its mask bit is clear.</summary>
    public ulong HashOf(int child)
    {
        if ((Mask & (1 << child)) == 0)
        {
            return 0;
        }

        int slot = BitOperations.PopCount((uint)(Mask & ((1 << child) - 1)));
        return BinaryPrimitives.ReadUInt64LittleEndian(Hashes.Slice(slot * 8, 8));
    }

    /// <summary>Writes the children of <paramref name="parent"/> from their 16 hashes; all or nothing.</summary>
    public static bool TryWrite(ref GossipWriter writer, ulong parent, ReadOnlySpan<ulong> children)
    {
        if (children.Length != 16)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(children));
        }

        int start = writer.Position;
        ushort mask = 0;
        for (int c = 0; c < 16; c++)
        {
            mask |= children[c] != 0 ? (ushort)(1 << c) : (ushort)0;
        }

        bool ok = writer.TryWriteVarUInt(parent) && writer.TryWriteUInt16(mask);
        for (int c = 0; ok && c < 16; c++)
        {
            ok = children[c] == 0 || writer.TryWriteUInt64(children[c]);
        }

        if (!ok)
        {
            writer.Rewind(start);
        }

        return ok;
    }

    /// <summary>Reads the item; a parent outside level <paramref name="parentLevel"/> is refused.</summary>
    public static WireStatus TryRead(ref GossipReader reader, int parentLevel, out DataTreeChildren children)
    {
        children = default;
        WireStatus status;
        if ((status = reader.TryReadVarUInt(out ulong parent)) != WireStatus.Ok || (status = reader.TryReadUInt16(out ushort mask)) != WireStatus.Ok
            || (status = reader.TryReadRaw(8 * BitOperations.PopCount(mask), out ReadOnlySpan<byte> hashes)) != WireStatus.Ok)
        {
            return status;
        }

        if (!DataSubtree.IsValid(parentLevel, parent))
        {
            return WireStatus.Malformed;
        }

        children = new DataTreeChildren(parent, mask, hashes);
        return WireStatus.Ok;
    }
}
