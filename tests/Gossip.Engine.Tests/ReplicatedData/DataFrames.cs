using Gossip.Wire;

namespace Gossip.Engine.Tests.ReplicatedData;

/// <summary>Builds replicated-data section payloads, well-formed or not, for tests.</summary>
internal static class DataFrames
{
    public delegate void Write(ref GossipWriter writer);

    public static byte[] Build(Write write)
    {
        byte[] buffer = new byte[200_000];
        var writer = new GossipWriter(buffer);
        write(ref writer);
        return buffer.AsSpan(0, writer.Position).ToArray();
    }

    /// <summary>A DataEntries payload: flags, subtrees, entries.</summary>
    public static byte[] Entries(bool answer, (byte Level, ulong Index)[] subtrees, params (byte[] Key, byte[] Value, ulong Stamp, ulong Origin, bool Deleted)[] entries) =>
        Build((ref GossipWriter w) =>
        {
            Assert.True(new DataEntriesHeader(answer).TryWrite(ref w));
            Assert.True(w.TryWriteUInt16((ushort)subtrees.Length));
            foreach ((byte level, ulong index) in subtrees)
            {
                Assert.True(new DataSubtree(level, index).TryWrite(ref w));
            }

            Assert.True(w.TryWriteUInt16((ushort)entries.Length));
            foreach ((byte[] key, byte[] value, ulong stamp, ulong origin, bool deleted) in entries)
            {
                Assert.True(new DataEntry(key, value, stamp, new NodeId(origin), deleted).TryWrite(ref w));
            }
        });

    /// <summary>A DataTreeLevel payload with one parent whose 16 children all hash to <paramref name="childHash"/>.</summary>
    public static byte[] Level(byte depth, byte level, ulong parent, ulong childHash, int items = 1) =>
        Build((ref GossipWriter w) =>
        {
            Assert.True(w.TryWriteByte(depth) && w.TryWriteByte(level) && w.TryWriteUInt16((ushort)items));
            ulong[] children = new ulong[16];
            Array.Fill(children, childHash);
            for (int i = 0; i < items; i++)
            {
                Assert.True(DataTreeChildren.TryWrite(ref w, parent, children));
            }
        });
}
