using System.Text;
using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.AntiEntropy;

/// <summary>
/// Merges received deltas (ACK and ACK2): a member we never heard of is added, a higher generation restarts it, a
/// departure is believed, and each state entry is taken when its version is higher than ours. Deltas that could
/// rewrite a member from outside are dropped and counted: a generation beyond the clock, a live member's new generation
/// not sent by itself, stale deltas of a reaped member, an entry of a removed and collected key, entries that start
/// above the version we hold (they would leave a hole below); a delta that holds
/// this node's own state at a version it never wrote makes it start a new generation.
/// </summary>
internal sealed class DeltaMerger
{
    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly MembershipRules _rules;
    private readonly FrameComposer _frames;

    public DeltaMerger(NodeContext node, MembershipState members, MembershipRules rules, FrameComposer frames)
    {
        _node = node;
        _members = members;
        _rules = rules;
        _frames = frames;
    }

    /// <summary>Applies a deltas list (validated already) that came from <paramref name="origin"/>.</summary>
    public void Apply(ref GossipReader reader, in FrameOrigin origin)
    {
        bool selfHeldAhead = false;
        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int nodes);
        for (int i = 0; i < nodes; i++)
        {
            _ = NodeStateHeader.TryRead(ref reader, out NodeStateHeader header);
            _ = reader.TryReadCount(_node.Limits.MaxListCount, out int entries);
            Member? member = MergeHeader(header, origin);
            if (member is not null && header.From > member.MaxVersion)
            {
                // The sender wrote the entries above a version we said we held but no longer do (we reaped or restarted
                // the member in between): taken, they would raise our max version over a hole that no digest would
                // ever show again (chaos seed 1940). The next exchange asks from what we really hold.
                _members.CountDropped();
                member = null;
            }

            bool aboutSelf = header.Node == _node.Id && header.Generation == _node.Generation;
            for (int j = 0; j < entries; j++)
            {
                _ = KeyValueEntry.TryRead(ref reader, _node.Limits, out KeyValueEntry entry);
                if (member is not null)
                {
                    MergeEntry(member, entry);
                }
                else if (aboutSelf && entry.Version > _node.Self.MaxVersion)
                {
                    selfHeldAhead = true;
                }
            }
        }

        if (selfHeldAhead)
        {
            // No one can hold a version of our state we never wrote: a forged entry is spreading under our name.
            _rules.OnStateHeldAhead();
        }
    }

    /// <summary>
    /// Tells a peer that still holds a reaped member alive what we know. Otherwise nobody would: the nodes that buried
    /// it no longer list it, the notices of its end have retired, and the peer would keep it alive until its own probes
    /// reach it, a whole probe pass later (found by the chaos runner, seeds 1609, 4981, 5757, 5878: a node partitioned
    /// away when a member left or crashed still showed it alive 400 rounds after the heal). A departure is told as it
    /// is: the member's own word, final for its generation. A death is told only as a suspicion, because a verdict may
    /// be wrong and a tombstone cannot always tell a living member's news from stale news (telling the death killed
    /// live nodes in seed 1334): the peer then checks for itself, and a live member refutes as it would any suspicion.
    /// One notice per stale delta, never larger than it.
    /// </summary>
    private void AnswerFromTombstone(in FormerMember former, uint generation, in FrameOrigin origin)
    {
        WireAddress replyTo = origin.ReplyTo;
        if (generation != former.Generation || replyTo.IsNone)
        {
            return;
        }

        MembershipEvent notice = former.Left
            ? new MembershipEvent(MembershipEventKind.Leave, former.Id, former.Generation, former.Incarnation, former.Id, former.Address)
            : new MembershipEvent(MembershipEventKind.Suspect, former.Id, former.Generation, former.Incarnation, _node.Id, former.Address);
        _frames.SendEvent(replyTo, origin.Sender, notice);
    }

    /// <summary>Merges a delta's header; returns the member whose entries should be merged, or null to skip them.</summary>
    private Member? MergeHeader(in NodeStateHeader header, in FrameOrigin origin)
    {
        if (header.Node == _node.Id)
        {
            if (header.Generation == _node.Generation && header.Status is MemberStatus.Dead or MemberStatus.Left && _node.Self.IsLive)
            {
                _rules.Refute(_node.Self.Incarnation);
            }

            return null;
        }

        if (header.Generation > _members.GenerationCeiling())
        {
            _members.CountDropped();
            return null;
        }

        if (!_members.TryGet(header.Node, out Member? member))
        {
            if (header.Status is not (MemberStatus.Alive or MemberStatus.Suspect) || header.Address.IsNone)
            {
                return null;
            }

            if (_members.TryGetFormer(header.Node, out FormerMember former) && !former.AllowsDelta(header.Generation, header.Heartbeat))
            {
                // Stale news of a member we reaped: only a newer generation or a heartbeat that went on brings it back.
                _members.CountDropped();
                AnswerFromTombstone(former, header.Generation, origin);
                return null;
            }

            // The delta's heartbeat is kept: it is what this node passes on about the member, and a node that reaped
            // the member takes it back only on a heartbeat past the one it can have reached (a 0 here kept a healed
            // three-way partition apart for 10 more rounds).
            Member? added = _members.Add(header.Node, header.Generation, 0, header.Address);
            if (added is not null)
            {
                _members.ObserveHeartbeat(added, header.Generation, header.Heartbeat);
            }

            return added;
        }

        if (header.Generation > member.Generation)
        {
            WireAddress address = header.Address.IsNone ? member.Address : header.Address;
            if (!MembershipRules.MayRestart(member, header.Generation, address, origin))
            {
                _members.CountDropped();
                _rules.CheckRestart(member, address);
                return null;
            }

            _members.Restart(member, header.Generation, 0, address);
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
        bool known = member.State.TryGetValue(key, out StateEntry? existing);
        if (known && existing!.Version >= entry.Version)
        {
            return;
        }

        if (!known && entry.Version <= member.CollectedVersion)
        {
            // A key missing here at or below a version whose tombstone we collected may be one of the removed keys: this
            // older entry would resurrect it. (Not every key missing below the max version: a copy can lack an older
            // entry, and dropping it left a key missing for good in a healed partition, chaos seed 986.)
            _members.CountDropped();
            return;
        }

        if (!known && member.State.Count >= _node.Options.MaxKeysPerMember)
        {
            Interlocked.Increment(ref _node.Counters.LimitHitsValue);
            return;
        }

        _members.SetEntry(member, key, new StateEntry(entry.Value.ToArray(), entry.Version, entry.Deleted, _node.Round));
        _node.Events.Notify(GossipEventKind.StateChanged, member.Id, key);
    }
}
