using System.Text;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>
/// Merges received deltas (ACK and ACK2): a member we never heard of is added, a higher generation restarts it, a
/// departure is believed, and each state entry is taken when its version is higher than ours.
/// </summary>
internal sealed class DeltaMerger
{
    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly MembershipRules _rules;

    public DeltaMerger(NodeContext node, MembershipState members, MembershipRules rules)
    {
        _node = node;
        _members = members;
        _rules = rules;
    }

    /// <summary>Applies a deltas list (validated already).</summary>
    public void Apply(ref GossipReader reader)
    {
        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int nodes);
        for (int i = 0; i < nodes; i++)
        {
            _ = NodeStateHeader.TryRead(ref reader, out NodeStateHeader header);
            _ = reader.TryReadCount(_node.Limits.MaxListCount, out int entries);
            Member? member = MergeHeader(header);
            for (int j = 0; j < entries; j++)
            {
                _ = KeyValueEntry.TryRead(ref reader, _node.Limits, out KeyValueEntry entry);
                if (member is not null)
                {
                    MergeEntry(member, entry);
                }
            }
        }
    }

    /// <summary>Merges a delta's header; returns the member whose entries should be merged, or null to skip them.</summary>
    private Member? MergeHeader(in NodeStateHeader header)
    {
        if (header.Node == _node.Id)
        {
            if (header.Generation == _node.Generation && header.Status is MemberStatus.Dead or MemberStatus.Left && _node.Self.IsLive)
            {
                _rules.Refute(_node.Self.Incarnation);
            }

            return null;
        }

        if (!_members.TryGet(header.Node, out Member? member))
        {
            return header.Status is MemberStatus.Alive or MemberStatus.Suspect && !header.Address.IsNone
                ? _members.Add(header.Node, header.Generation, 0, header.Address)
                : null;
        }

        if (header.Generation > member.Generation)
        {
            _members.Restart(member, header.Generation, 0, header.Address.IsNone ? member.Address : header.Address);
        }
        else if (header.Generation < member.Generation)
        {
            return null;
        }
        else if (header.Status == MemberStatus.Left && member.IsLive)
        {
            // Only a departure is certain enough to spread by anti-entropy; deaths are opinions and travel as
            // events, where incarnations can overrule them.
            _members.MarkDown(member, header.Status);
        }

        _members.ObserveHeartbeat(member, header.Generation, header.Heartbeat);
        return member;
    }

    private void MergeEntry(Member member, in KeyValueEntry entry)
    {
        string key = Encoding.UTF8.GetString(entry.Key);
        if (member.State.TryGetValue(key, out StateEntry? existing) && existing.Version >= entry.Version)
        {
            return;
        }

        if (existing is null && member.State.Count >= _node.Options.MaxKeysPerMember)
        {
            Interlocked.Increment(ref _node.Counters.LimitHitsValue);
            return;
        }

        _members.SetEntry(member, key, new StateEntry(entry.Value.ToArray(), entry.Version, entry.Deleted));
        _node.Events.Notify(GossipEventKind.StateChanged, member.Id, key);
    }
}
