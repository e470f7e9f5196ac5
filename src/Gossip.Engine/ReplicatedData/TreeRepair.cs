using Gossip.Engine.Dissemination;
using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.ReplicatedData;

/// <summary>
/// Merkle repair of the replicated map between two members. Every ack carries the sender's root; a prober whose own
/// root differs sends the root's 16 child hashes (a <see cref="MessageType.DataTreeLevel"/> section). Each side then
/// compares the level it received with its own tree and answers with the children of the nodes that differ, one level
/// deeper, so only differing subtrees are descended. A differing node at the last level (the deeper of the two sides'
/// held depths), or one that either side holds nothing under, is settled by exchanging entries
/// (<see cref="MessageType.DataEntries"/> naming the subtree): the receiver takes what is newer and, when asked, sends
/// back its own entries there that the sender lacks or holds older. Each step is stateless: a lost frame ends the
/// repair, and the roots, still different, start another at the next probe.
/// </summary>
/// <remarks>
/// Bounded: each node sends at most <see cref="GossipOptions.DataRepairBytesPerRound"/> bytes of repair frames a round
/// (a large difference is repaired over several rounds), starts at most one repair a round, answers only members, and
/// answers over the stream channel when the answer outgrows a datagram. One frame takes at most a quarter of the round's
/// budget and a repair starts only with three quarters of it left, so a descent that must be cut short (too many
/// differing subtrees) still reaches the entries of the subtrees it kept within the round: a descent whose last steps
/// found the budget spent would settle nothing, and the next one, finding the same first subtrees, would stall the
/// same way. (Found by the replicate scenario: d = 1,000 of 1,000,000 never converged.)
/// </remarks>
internal sealed class TreeRepair
{
    private const int MaxAnswerBytes = 60_000;
    private const int MinAnswerBytes = 128;

    private readonly NodeContext _node;
    private readonly NodeCounters _counters;
    private readonly ReplicatedMap _map;
    private readonly Disseminator _spread;
    private readonly FrameComposer _frames;
    private readonly List<ulong> _descend = [];
    private readonly List<DataSubtree> _subtrees = [];
    private readonly Dictionary<ulong, Version> _received = [];
    private readonly ulong[] _children = new ulong[16];
    private long _budgetRound = -1;
    private int _budgetLeft;
    private long _startedRound = -1;

    public TreeRepair(NodeContext node, ReplicatedMap map, Disseminator spread, FrameComposer frames)
    {
        _node = node;
        _counters = node.Counters;
        _map = map;
        _spread = spread;
        _frames = frames;
    }

    /// <summary>A member's root, from its ack: when it differs from ours, start a repair (at most one a round).</summary>
    public void OnPeerRoot(ulong peerRoot, Member? sender)
    {
        if (sender is null || peerRoot == _map.Root || _startedRound == _node.Round || Budget() < _node.Options.DataRepairBytesPerRound * 3 / 4)
        {
            return;
        }

        _startedRound = _node.Round;
        _counters.DataRepairsValue++;
        AnswerFrame answer = _frames.BeginAnswer();
        var writer = new GossipWriter(Capped(answer.Body));
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.DataTreeLevel) && new DataTreeLevelHeader((byte)_map.Depth, 1).TryWrite(ref writer)
            && ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            _map.Table.ChildHashes(1, 0, _children);
            if (DataTreeChildren.TryWrite(ref writer, 0, _children))
            {
                list.Add();
            }

            list.End(ref writer);
            FrameComposer.EndIfAny(ref writer, ref sections, list.Count);
        }

        // The repair's answers may be as large as the maps differ: ask over our own stream, on which they come back
        // whole (the peer never opens one to answer; a repair asked by datagram goes on in datagrams).
        Send(answer, sender.Address, sender.Id, writer.Position, request: true);
    }

    /// <summary>One level of a peer's descent: compare it with ours, answer with the next level and the entries of settled subtrees.</summary>
    public void OnTreeLevel(ReadOnlySpan<byte> payload, Member? sender)
    {
        if (sender is null)
        {
            _counters.DataEntriesDroppedValue++;
            return;
        }

        var reader = new GossipReader(payload);
        _ = DataTreeLevelHeader.TryRead(ref reader, _node.Limits, out DataTreeLevelHeader header);
        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int count);
        _counters.DataLevelsDescendedValue++;
        int level = header.Level;
        int depth = Math.Max(header.Depth, _map.Depth);
        _descend.Clear();
        _subtrees.Clear();
        for (int i = 0; i < count; i++)
        {
            _ = DataTreeChildren.TryRead(ref reader, level - 1, out DataTreeChildren theirs);
            _map.Table.ChildHashes(level, theirs.Parent, _children);
            for (int c = 0; c < 16; c++)
            {
                ulong mine = _children[c];
                ulong other = theirs.HashOf(c);
                if (mine == other)
                {
                    continue;
                }

                ulong index = (theirs.Parent << 4) | (uint)c;
                if (level >= depth || mine == 0 || other == 0)
                {
                    _subtrees.Add(new DataSubtree((byte)level, index));
                }
                else
                {
                    _descend.Add(index);
                }
            }
        }

        if ((_descend.Count == 0 && _subtrees.Count == 0) || Budget() < MinAnswerBytes)
        {
            return;
        }

        AnswerFrame answer = _frames.BeginAnswer();
        var writer = new GossipWriter(Capped(answer.Body));
        var sections = new SectionWriter();
        if (_descend.Count > 0)
        {
            WriteLevel(ref writer, ref sections, (byte)depth, (byte)(level + 1));
        }

        if (_subtrees.Count > 0)
        {
            WriteEntries(ref writer, ref sections, answerRequested: true, skipReceived: false);
        }

        Send(answer, sender.Address, sender.Id, writer.Position);
    }

    /// <summary>
    /// Entries from a member: writes spreading as rumors (taken and spread on when newer) or a repair's entries of the
    /// subtrees it names (taken when newer and, when asked, answered with ours there that it lacks or holds older).
    /// </summary>
    public void OnEntries(ReadOnlySpan<byte> payload, Member? sender)
    {
        var reader = new GossipReader(payload);
        _ = DataEntriesHeader.TryRead(ref reader, out DataEntriesHeader header);
        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int subtreeCount);
        _subtrees.Clear();
        for (int i = 0; i < subtreeCount; i++)
        {
            _ = DataSubtree.TryRead(ref reader, _node.Limits, out DataSubtree subtree);
            _subtrees.Add(subtree);
        }

        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int count);
        if (sender is null)
        {
            _counters.DataEntriesDroppedValue += Math.Max(1, count);
            return;
        }

        bool rumor = subtreeCount == 0;
        bool answer = header.AnswerRequested && !rumor;
        _received.Clear();
        for (int i = 0; i < count; i++)
        {
            _ = DataEntry.TryRead(ref reader, _node.Limits, out DataEntry entry);
            MergeOutcome outcome = _map.Merge(entry);
            if (outcome == MergeOutcome.Applied)
            {
                _counters.DataEntriesMergedValue++;
                if (rumor)
                {
                    _spread.SpreadData(entry, local: false);
                }
            }
            else if (outcome is MergeOutcome.FromTheFuture or MergeOutcome.Full or MergeOutcome.TooLarge)
            {
                _counters.DataEntriesDroppedValue++;
                if (outcome == MergeOutcome.Full)
                {
                    Interlocked.Increment(ref _counters.LimitHitsValue);
                }
            }

            if (answer)
            {
                _received[EntryHash.OfKey(entry.Key)] = new Version(entry.Stamp, entry.Origin.Value);
            }
        }

        if (answer && Budget() >= MinAnswerBytes)
        {
            AnswerFrame frame = _frames.BeginAnswer();
            var writer = new GossipWriter(Capped(frame.Body));
            var sections = new SectionWriter();
            WriteEntries(ref writer, ref sections, answerRequested: false, skipReceived: true);
            Send(frame, sender.Address, sender.Id, writer.Position);
        }
    }

    private void WriteLevel(ref GossipWriter writer, ref SectionWriter sections, byte depth, byte level)
    {
        if (!sections.TryBegin(ref writer, MessageType.DataTreeLevel) || !new DataTreeLevelHeader(depth, level).TryWrite(ref writer)
            || !ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            sections.Cancel(ref writer);
            return;
        }

        int max = _node.Limits.MaxListCount;
        foreach (ulong parent in _descend)
        {
            _map.Table.ChildHashes(level, parent, _children);
            if (list.Count == max || !DataTreeChildren.TryWrite(ref writer, parent, _children))
            {
                break;
            }

            list.Add();
        }

        list.End(ref writer);
        FrameComposer.EndIfAny(ref writer, ref sections, list.Count);
    }

    /// <summary>
    /// Writes a DataEntries section with the subtrees of <see cref="_subtrees"/> whose entries fit whole (at least the
    /// first, cut short if it must be), each followed by our entries there (less those the peer just sent us as new
    /// or newer, with <paramref name="skipReceived"/>).
    /// </summary>
    private void WriteEntries(ref GossipWriter writer, ref SectionWriter sections, bool answerRequested, bool skipReceived)
    {
        int room = writer.Remaining - 3 - 1 - 2 - 2;
        int maxItems = _node.Limits.MaxListCount;
        int fitting = 0;
        int entries = 0;
        foreach (DataSubtree subtree in _subtrees)
        {
            int bytes = 1 + VarIntSize(subtree.Index);
            int items = 0;
            EntryTable.SubtreeCursor cursor = _map.Table.Subtree(subtree.Level, subtree.Index);
            while (bytes <= room && items <= maxItems && cursor.MoveNext(out int slot))
            {
                // Stops once the subtree cannot fit: a member asking for the whole map (level 0) costs a frame's worth
                // of entries visited, not a walk of every entry.
                if (!Skip(slot, skipReceived))
                {
                    bytes += Encoded(slot).EncodedSize;
                    items++;
                }
            }

            if (fitting > 0 && (bytes > room || entries + items > maxItems || fitting == maxItems))
            {
                break;
            }

            room -= bytes;
            entries += items;
            fitting++;
        }

        bool whole = room >= 0 && entries <= maxItems;
        if (!sections.TryBegin(ref writer, MessageType.DataEntries)
            || !new DataEntriesHeader(answerRequested && whole).TryWrite(ref writer)
            || !ListWriter.TryBegin(ref writer, out ListWriter subtreeList))
        {
            sections.Cancel(ref writer);
            return;
        }

        for (int i = 0; i < fitting && _subtrees[i].TryWrite(ref writer); i++)
        {
            subtreeList.Add();
        }

        subtreeList.End(ref writer);
        if (!ListWriter.TryBegin(ref writer, out ListWriter entryList))
        {
            sections.Cancel(ref writer);
            return;
        }

        bool full = false;
        for (int i = 0; i < subtreeList.Count && !full; i++)
        {
            EntryTable.SubtreeCursor cursor = _map.Table.Subtree(_subtrees[i].Level, _subtrees[i].Index);
            while (!full && entryList.Count < maxItems && cursor.MoveNext(out int slot))
            {
                if (Skip(slot, skipReceived))
                {
                    continue;
                }

                if (Encoded(slot).TryWrite(ref writer))
                {
                    entryList.Add();
                }
                else
                {
                    full = true; // the frame is full: stop walking the subtree (a frame's worth is the most one answer carries)
                }
            }
        }

        entryList.End(ref writer);
        if (subtreeList.Count == 0)
        {
            sections.Cancel(ref writer);
            return;
        }

        sections.End(ref writer);
    }

    private bool Skip(int slot, bool skipReceived)
    {
        ref readonly EntrySlot entry = ref _map.Table[slot];
        return skipReceived && _received.TryGetValue(entry.KeyHash, out Version theirs)
            && !ReplicatedMap.IsNewer(entry.Stamp, entry.Origin, theirs.Stamp, theirs.Origin);
    }

    private DataEntry Encoded(int slot)
    {
        ref readonly EntrySlot entry = ref _map.Table[slot];
        return new DataEntry(entry.Key, entry.Value, entry.Stamp, new NodeId(entry.Origin), entry.Deleted);
    }

    private static int VarIntSize(ulong value) => VarInt.SizeOf(value);

    /// <summary>This round's repair bytes left.</summary>
    private int Budget()
    {
        if (_budgetRound != _node.Round)
        {
            _budgetRound = _node.Round;
            _budgetLeft = _node.Options.DataRepairBytesPerRound;
        }

        return _budgetLeft;
    }

    private Span<byte> Capped(Span<byte> body) =>
        body[..Math.Min(body.Length, Math.Min(Math.Min(MaxAnswerBytes, _node.Options.DataRepairBytesPerRound / 4), Budget()) - _frames.FrameOverhead)];

    private void Send(AnswerFrame answer, WireAddress destination, NodeId receiver, int bodyLength, bool request = false)
    {
        if (bodyLength == 0)
        {
            return;
        }

        int bytes = bodyLength + _frames.FrameOverhead;
        _budgetLeft -= bytes;
        _counters.DataRepairBytesValue += bytes;
        _counters.DataRepairFramesValue++;
        if (request)
        {
            answer.SendRequest(destination, receiver, bodyLength);
        }
        else
        {
            answer.Send(destination, receiver, bodyLength);
        }
    }

    private readonly record struct Version(ulong Stamp, ulong Origin);
}
