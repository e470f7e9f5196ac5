using System.Collections.Concurrent;
using System.Text;
using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>
/// Writes deltas: one member's state header followed by its entries newer than a version, oldest first, so a list cut
/// short still leaves the receiver with a consistent max version.
/// </summary>
internal sealed class DeltaWriter
{
    private static readonly ConcurrentDictionary<string, StateEntry> NoState = new();

    private readonly WireLimits _limits;
    private readonly List<KeyValuePair<string, StateEntry>> _entries = [];
    private readonly byte[] _key;

    public DeltaWriter(WireLimits limits)
    {
        _limits = limits;
        _key = new byte[limits.MaxKeyBytes];
    }

    private enum Result
    {
        None,
        Partial,
        Complete,
    }

    /// <summary>Appends one member's delta to a deltas list; false when it did not fit whole (the list or the frame is full).</summary>
    public bool TryAdd(ref GossipWriter writer, ref ListWriter deltas, Member member, ulong fromVersion)
    {
        // The receiver drops a list longer than its limit whole, so a long one is cut here and finished next exchange.
        if (deltas.Count >= _limits.MaxListCount)
        {
            return false;
        }

        Result result = TryWrite(ref writer, member, fromVersion);
        if (result != Result.None)
        {
            deltas.Add();
        }

        return result == Result.Complete;
    }

    private Result TryWrite(ref GossipWriter writer, Member member, ulong fromVersion)
    {
        int start = writer.Position;
        if (!member.ToStateHeader(fromVersion).TryWrite(ref writer) || !ListWriter.TryBegin(ref writer, out ListWriter entries))
        {
            writer.Rewind(start);
            return Result.None;
        }

        _entries.Clear();
        foreach (KeyValuePair<string, StateEntry> pair in member.StateOrNull ?? NoState)
        {
            if (pair.Value.Version > fromVersion)
            {
                _entries.Add(pair);
            }
        }

        _entries.Sort(static (a, b) => a.Value.Version.CompareTo(b.Value.Version));
        foreach (KeyValuePair<string, StateEntry> pair in _entries)
        {
            int keyLength = Encoding.UTF8.GetBytes(pair.Key, _key);
            if (!new KeyValueEntry(_key.AsSpan(0, keyLength), pair.Value.Value, pair.Value.Version, pair.Value.Deleted).TryWrite(ref writer))
            {
                break;
            }

            entries.Add();
        }

        if (entries.Count == 0 && _entries.Count > 0)
        {
            writer.Rewind(start);
            return Result.None;
        }

        entries.End(ref writer);
        return entries.Count == _entries.Count ? Result.Complete : Result.Partial;
    }
}
