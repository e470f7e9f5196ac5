using Gossip.Engine;
using Gossip.Engine.ReplicatedData;
using Gossip.Wire;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// The sequential last-writer-wins model of the replicated-map writes of a chaos run. Every write is recorded with the
/// stamp its node gave it; a write whose node crashed or left after making it may have died with the process (if no
/// one else took it in time), so it is only allowed, not required, to win. After the quiet period each live replica
/// must hold, for every key, one of the recorded writes, and one at least as new as every write no crash could lose:
/// so a removal that must survive keeps its key removed (no deleted key returns).
/// </summary>
internal sealed class DataModel
{
    private readonly List<Write> _writes = [];

    /// <summary>Writes recorded.</summary>
    public int Count => _writes.Count;

    public static byte[] Key(int index) => [(byte)'d', (byte)(index & 0xFF)];

    /// <summary>Records the write that <paramref name="node"/> has just applied (the simulation runs commands inline).</summary>
    public void Record(GossipNode node, int writer, int key, byte[]? value)
    {
        if (node.Data.TryGetVersion(Key(key), out ulong stamp, out NodeId origin, out _) && origin == node.Id)
        {
            _writes.Add(new Write(key, value, stamp, origin.Value, writer));
        }
    }

    /// <summary>The process of node <paramref name="writer"/> ended (crash or exit): its writes so far may be lost.</summary>
    public void ProcessEnded(int writer)
    {
        foreach (Write write in _writes)
        {
            write.MaybeLost |= write.Writer == writer;
        }
    }

    /// <summary>What is wrong with <paramref name="node"/>'s replica against the model, or null.</summary>
    public string? Disagreement(GossipNode node, string name, out bool deletedKeyReturned)
    {
        deletedKeyReturned = false;
        var keys = new HashSet<int>();
        foreach (Write write in _writes)
        {
            keys.Add(write.Key);
        }

        foreach (int key in keys)
        {
            Write? safest = null;
            foreach (Write write in _writes)
            {
                if (write.Key == key && !write.MaybeLost && (safest is null || ReplicatedMap.IsNewer(write.Stamp, write.Origin, safest.Stamp, safest.Origin)))
                {
                    safest = write;
                }
            }

            bool held = node.Data.TryGetVersion(Key(key), out ulong stamp, out NodeId origin, out bool deleted);
            if (!held)
            {
                if (safest is not null)
                {
                    return $"{name} lacks map key {key} (the model holds the write of n{safest.Writer} at stamp {safest.Stamp:x})";
                }

                continue;
            }

            Write? winner = _writes.Find(w => w.Key == key && w.Stamp == stamp && w.Origin == origin.Value);
            if (winner is null || (winner.Value is null) != deleted)
            {
                return $"{name} holds map key {key} at stamp {stamp:x} by {origin}, which no node wrote";
            }

            if (safest is not null && ReplicatedMap.IsNewer(safest.Stamp, safest.Origin, stamp, origin.Value))
            {
                deletedKeyReturned = safest.Value is null && !deleted;
                return $"{name} holds map key {key} at stamp {stamp:x} (n{winner.Writer}), older than the write of n{safest.Writer} at {safest.Stamp:x}{(deletedKeyReturned ? ": a removed key returned" : "")}";
            }

            if (!deleted && (!node.TryGetData(Key(key), out byte[] value) || !value.AsSpan().SequenceEqual(winner.Value)))
            {
                return $"{name} holds another value for map key {key} than the write it holds the stamp of";
            }
        }

        return null;
    }

    private sealed class Write(int key, byte[]? value, ulong stamp, ulong origin, int writer)
    {
        public int Key { get; } = key;

        public byte[]? Value { get; } = value;

        public ulong Stamp { get; } = stamp;

        public ulong Origin { get; } = origin;

        public int Writer { get; } = writer;

        public bool MaybeLost { get; set; }
    }
}
