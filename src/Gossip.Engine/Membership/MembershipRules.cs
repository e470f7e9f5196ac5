using Gossip.Engine.Dissemination;
using Gossip.Engine.FailureDetection;
using Gossip.Engine.Framing;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>
/// How membership news is believed: joins and alive notices (a higher incarnation overrules a suspicion or a death
/// declared from one), suspicions (handed to the <see cref="Prober"/>), deaths and departures (only at or above the
/// incarnation we know), news about this node itself (refuted by raising our incarnation), and this node's departure.
/// </summary>
internal sealed class MembershipRules
{
    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly Disseminator _spread;
    private readonly Prober _prober;
    private readonly FrameComposer _frames;
    private readonly LocalHealth _health;
    private readonly ForwardedNotices _forwardedNotices = new(256);

    public MembershipRules(NodeContext node, MembershipState members, Disseminator spread, Prober prober, FrameComposer frames, LocalHealth health)
    {
        _node = node;
        _members = members;
        _spread = spread;
        _prober = prober;
        _frames = frames;
        _health = health;
    }

    /// <summary>Takes the events of a Membership section.</summary>
    public void OnMembership(ref GossipReader reader, WireAddress replyTo)
    {
        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int count);
        for (int i = 0; i < count; i++)
        {
            _ = MembershipEvent.TryRead(ref reader, out MembershipEvent membershipEvent);
            Apply(membershipEvent, replyTo);
        }
    }

    /// <summary>Applies one event a peer sent.</summary>
    public void Apply(in MembershipEvent e, WireAddress replyTo)
    {
        if (e.Subject == _node.Id)
        {
            ApplyAboutSelf(e, replyTo);
            return;
        }

        _members.TryGet(e.Subject, out Member? member);
        if (member is not null && member.IsLive && e.Generation == member.Generation && e.Incarnation < member.Incarnation
            && e.Kind is MembershipEventKind.Suspect or MembershipEventKind.Dead)
        {
            // The sender missed a refutation we saw: tell it directly, or it may declare a live member dead.
            _frames.SendEvent(replyTo, new MembershipEvent(MembershipEventKind.Alive, member.Id, member.Generation, member.Incarnation, _node.Id, member.Address));
            return;
        }

        switch (e.Kind)
        {
            case MembershipEventKind.Join:
            case MembershipEventKind.Alive:
                ApplyAlive(e, member);
                break;
            case MembershipEventKind.Suspect:
                _prober.OnSuspect(e, member, fromPeer: true);
                break;
            case MembershipEventKind.Dead:
            case MembershipEventKind.Leave:
                ApplyDown(e, member);
                break;
        }
    }

    /// <summary>
    /// Answers a suspicion or death notice about this node: a higher incarnation of "alive" overrides it wherever it
    /// reaches (a stale notice below our incarnation just gets the current one spread again). Returns the notice sent.
    /// </summary>
    public MembershipEvent Refute(uint noticedIncarnation)
    {
        Member self = _node.Self;
        if ((_node.Mutations & ProtocolMutation.NoRefutation) != 0)
        {
            return new MembershipEvent(MembershipEventKind.Alive, _node.Id, _node.Generation, self.Incarnation, _node.Id, _node.Address);
        }

        if (noticedIncarnation >= self.Incarnation)
        {
            self.Incarnation = noticedIncarnation + 1;
            _node.Counters.RefutationsValue++;
            _health.Refuted();
        }

        var alive = new MembershipEvent(MembershipEventKind.Alive, _node.Id, _node.Generation, self.Incarnation, _node.Id, _node.Address);
        _spread.Spread(alive);
        return alive;
    }

    /// <summary>Says goodbye to a few peers and marks this node departed (nothing once the node has stopped).</summary>
    public void Leave()
    {
        if (_node.Stopped)
        {
            return;
        }

        Member self = _node.Self;
        var leave = new MembershipEvent(MembershipEventKind.Leave, _node.Id, _node.Generation, self.Incarnation, _node.Id, _node.Address);

        // Pick the peers while this node still counts itself live (the picker sizes its choice by the live count).
        ReadOnlySpan<Member> peers = _members.GossipPeers.NextDistinct(2 * _node.Options.Fanout);
        _members.SetStatus(self, MemberStatus.Left);
        foreach (Member peer in peers)
        {
            _frames.SendEvent(peer.Address, leave);
        }
    }

    private void ApplyAlive(in MembershipEvent e, Member? member)
    {
        bool urgent = false;
        if (member is null)
        {
            if (e.Address.IsNone || _members.Add(e.Subject, e.Generation, e.Incarnation, e.Address) is null)
            {
                return;
            }
        }
        else if (e.Generation > member.Generation)
        {
            _members.Restart(member, e.Generation, e.Incarnation, e.Address.IsNone ? member.Address : e.Address);
        }
        else if (e.Generation == member.Generation && e.Incarnation > member.Incarnation
            && (member.Status != MemberStatus.Left || e.Reporter == e.Subject))
        {
            // A higher incarnation proves the member outlived the suspicion, and also the death that a node which
            // missed the refutation declared from it. A departure is overruled only by the member itself: it refutes a
            // goodbye it never said, while a member that really left never speaks again.
            bool wasDown = member.Status != MemberStatus.Alive;
            urgent = wasDown;
            member.Incarnation = e.Incarnation;
            if (wasDown)
            {
                _members.MarkAlive(member);
            }
        }
        else
        {
            return;
        }

        _spread.Spread(e, urgent);
    }

    private void ApplyDown(in MembershipEvent e, Member? member)
    {
        // SWIM's rule: a death counts only at or above the incarnation we know; a refuted suspicion's late verdict
        // (older incarnation) is ignored.
        if (member is not null && member.IsLive && e.Generation == member.Generation && e.Incarnation >= member.Incarnation)
        {
            _members.MarkDown(member, e.Kind == MembershipEventKind.Dead ? MemberStatus.Dead : MemberStatus.Left);
            _spread.Spread(e);
        }
        else if (member is null && _members.Table.IsFull && _forwardedNotices.TryAdd(e))
        {
            // A partial view: the nodes that know the subject may hear of its end only through nodes like us.
            _node.Counters.NoticesForwardedValue++;
            _spread.Spread(e);
        }
    }

    private void ApplyAboutSelf(in MembershipEvent e, WireAddress replyTo)
    {
        if (e.Generation != _node.Generation || !_node.Self.IsLive)
        {
            return;
        }

        // A live node has not left, whoever the notice names as reporter: one naming this node is forged or replayed
        // (after a real departure this node is no longer live and never gets here).
        if (e.Kind is MembershipEventKind.Suspect or MembershipEventKind.Dead or MembershipEventKind.Leave)
        {
            // The refutation spreads as a rumor, and goes straight back to whoever told us: it is the node most
            // likely to hold the doubt, and a rumor's few transmissions can all miss it on a lossy network.
            MembershipEvent alive = Refute(e.Incarnation);
            if (!replyTo.IsNone)
            {
                _frames.SendEvent(replyTo, alive);
            }
        }
    }
}
