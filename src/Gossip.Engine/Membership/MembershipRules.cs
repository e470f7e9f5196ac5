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
/// News that could rewrite a member from outside is dropped and counted: news of a third party from a non-member in
/// plaintext, an incarnation more than
/// <see cref="MaxIncarnationStep"/> above the one we know (unless the member says it itself), a generation beyond the
/// clock, a live member's new generation not heard from itself, stale news of a reaped member.
/// </summary>
internal sealed class MembershipRules
{
    /// <summary>
    /// Most that news relayed by others may raise a member's incarnation over the one we know (0 for one we do not
    /// know). Incarnations rise by one per refutation, so an honest node lags far less; a forger cannot push a member
    /// towards the end of the range in one step. A node refutes at most half of it above its own incarnation, so its
    /// refutation is believed by everyone lagging it by less than the other half.
    /// </summary>
    public const uint MaxIncarnationStep = 1 << 16;

    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly Disseminator _spread;
    private readonly Prober _prober;
    private readonly FrameComposer _frames;
    private readonly LocalHealth _health;
    private readonly ForwardedNotices _forwardedNotices = new(256);
    private long _renewedRound = long.MinValue / 2;

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
    public void OnMembership(ref GossipReader reader, in FrameOrigin origin)
    {
        _ = reader.TryReadCount(_node.Limits.MaxListCount, out int count);
        for (int i = 0; i < count; i++)
        {
            _ = MembershipEvent.TryRead(ref reader, out MembershipEvent membershipEvent);
            Apply(membershipEvent, origin);
        }
    }

    /// <summary>Applies one event a peer sent.</summary>
    public void Apply(in MembershipEvent e, in FrameOrigin origin)
    {
        if (e.Subject == _node.Id)
        {
            ApplyAboutSelf(e, origin.ReplyTo, origin.Sender);
            return;
        }

        _members.TryGet(e.Subject, out Member? member);
        if (!IsBelievable(e, member, origin))
        {
            _members.CountDropped();
            return;
        }

        if (!IsFromInsider(e, member, origin) && !_members.Table.IsFull)
        {
            _members.CountDropped();
            CheckOutsiderNews(e, member);
            return;
        }

        if (member is not null && member.IsLive && e.Generation == member.Generation && e.Incarnation < member.Incarnation
            && e.Kind is MembershipEventKind.Suspect or MembershipEventKind.Dead)
        {
            // The sender missed a refutation we saw: tell it directly, or it may declare a live member dead.
            _frames.SendEvent(origin.ReplyTo, origin.Sender, new MembershipEvent(MembershipEventKind.Alive, member.Id, member.Generation, member.Incarnation, _node.Id, member.Address));
            return;
        }

        switch (e.Kind)
        {
            case MembershipEventKind.Join:
            case MembershipEventKind.Alive:
                ApplyAlive(e, member, origin);
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
    /// reaches (a stale notice below our incarnation just gets the current one spread again). A notice more than half of
    /// <see cref="MaxIncarnationStep"/> above our incarnation was believed by no one who knows us (nobody knows a higher
    /// incarnation of a node than the node itself), so it is answered like a stale one and counted. The incarnation never
    /// wraps: a notice at the end of the range makes this node start a new generation instead. Returns the notice sent.
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
            if (noticedIncarnation - self.Incarnation > MaxIncarnationStep / 2)
            {
                _members.CountDropped();
            }
            else if (noticedIncarnation >= uint.MaxValue - 1)
            {
                _ = TryRenewGeneration();
            }
            else
            {
                self.Incarnation = noticedIncarnation + 1;
                _node.Counters.RefutationsValue++;
                _health.Refuted();
            }
        }

        var alive = new MembershipEvent(MembershipEventKind.Alive, _node.Id, _node.Generation, self.Incarnation, _node.Id, _node.Address);
        _spread.Spread(alive);
        return alive;
    }

    /// <summary>
    /// Others hold this node's state at a version it never wrote (a forged delta): their copies would never take its
    /// real updates again and every probe would start a sync. Only a new generation voids those copies everywhere.
    /// </summary>
    public void OnStateHeldAhead()
    {
        _members.CountDropped();
        if (TryRenewGeneration())
        {
            _spread.Spread(new MembershipEvent(MembershipEventKind.Alive, _node.Id, _node.Generation, 0, _node.Id, _node.Address));
        }
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
            _frames.SendEvent(peer.Address, peer.Id, leave);
        }
    }

    private void ApplyAlive(in MembershipEvent e, Member? member, in FrameOrigin origin)
    {
        bool urgent = false;
        if (member is null)
        {
            if (_members.TryGetFormer(e.Subject, out FormerMember former) && !former.AllowsNotice(e.Generation, e.Incarnation, e.Reporter == e.Subject))
            {
                // Stale news of a member we reaped (a late or replayed notice): it must not come back from it.
                _members.CountDropped();
                return;
            }

            if (e.Address.IsNone || _members.Add(e.Subject, e.Generation, e.Incarnation, e.Address) is null)
            {
                return;
            }
        }
        else if (e.Generation > member.Generation)
        {
            WireAddress address = e.Address.IsNone ? member.Address : e.Address;
            if (!MayRestart(member, e.Generation, address, origin))
            {
                _members.CountDropped();
                CheckRestart(member, address);
                return;
            }

            _members.Restart(member, e.Generation, e.Incarnation, address);
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

    /// <summary>
    /// True when news of a new <paramref name="generation"/> at <paramref name="address"/> may restart a member. A member
    /// we hold alive restarts only on its own word, at its own address (a process that took the address over has
    /// replaced it): believed from anyone, one datagram would void its state and have its real frames dropped as an older
    /// generation's. It moves to another address only once the old one no longer answers (suspected, dead or departed),
    /// since a frame naming it as sender, sent from the new address, proves nothing in plaintext.
    /// </summary>
    public static bool MayRestart(Member member, uint generation, WireAddress address, in FrameOrigin origin) =>
        member.Status != MemberStatus.Alive || (address == member.Address && origin.IsFrom(member.Id, generation, address));

    /// <summary>
    /// Relayed news says a member we hold alive restarted at its address: not believed, but asked about. A ping to the
    /// address (at most one per member per probe interval, and smaller than the notice that caused it) is answered by
    /// whoever runs there, and an answer from a newer generation of the member is its own word (<c>FrameIntake</c>
    /// restarts it), so a real restart reaches every node about as fast as the news of it.
    /// </summary>
    public void CheckRestart(Member member, WireAddress claimed)
    {
        if (claimed != member.Address || _node.Round - member.RestartCheckRound < _node.Options.ProbeEveryRounds)
        {
            return;
        }

        member.RestartCheckRound = _node.Round;
        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Ping) && new Ping(0, _node.Self.Heartbeat).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        _frames.Send(member.Address, member.Id, ref writer, sections.Count);
    }

    /// <summary>
    /// False for news no honest node can send: a generation beyond the clock, or an incarnation more than
    /// <see cref="MaxIncarnationStep"/> above the one we know for that generation, unless the member says it itself.
    /// </summary>
    private bool IsBelievable(in MembershipEvent e, Member? member, in FrameOrigin origin)
    {
        if (e.Generation > _members.GenerationCeiling())
        {
            return false;
        }

        if (member is not null && e.Generation < member.Generation)
        {
            return true;
        }

        uint known = member is not null && e.Generation == member.Generation ? member.Incarnation : 0;
        return e.Incarnation <= known || e.Incarnation - known <= MaxIncarnationStep
            || origin.IsFrom(e.Subject, e.Generation, e.Address.IsNone && member is not null ? member.Address : e.Address);
    }

    /// <summary>
    /// In plaintext anyone who can reach the port can send a frame, so news of a third party is taken only from an
    /// insider (<see cref="FrameOrigin.FromInsider"/>: a member we hold live, from the address we hold for it): a
    /// datagram from outside the cluster can neither create a member nor suspect, kill or remove one (nor have us forward
    /// the news to members, who would take it from us); at most it makes us probe the member it names. News a node gives
    /// of itself, from the address it names, is always heard: that is how a node joins, restarts, refutes and leaves.
    /// Not applied while our table is full: such a node runs a partial view, where news of a crash mostly comes from
    /// nodes outside the view, which plaintext cannot tell from outsiders (checking each report with a probe of our own
    /// stretched a crash's spread over 1,000 nodes from 15 rounds to 59-139); partial views need the cluster key for this.
    /// </summary>
    private static bool IsFromInsider(in MembershipEvent e, Member? member, in FrameOrigin origin) =>
        origin.FromInsider || origin.IsFrom(e.Subject, e.Generation, e.Address.IsNone && member is not null ? member.Address : e.Address);

    /// <summary>
    /// News from an outsider that a member we hold live is gone: not believed, but checked with a probe of our own, which
    /// turns into our own suspicion if the member really went quiet.
    /// </summary>
    private void CheckOutsiderNews(in MembershipEvent e, Member? member)
    {
        if (member is { Status: MemberStatus.Alive } && e.Generation == member.Generation
            && e.Kind is MembershipEventKind.Suspect or MembershipEventKind.Dead or MembershipEventKind.Leave)
        {
            _prober.Verify(member);
        }
    }

    /// <summary>
    /// Starts a new generation of this node in place when it cannot go on in this one (at most once per
    /// <see cref="GossipOptions.ReapAfterRounds"/>, and never beyond the clock's ceiling, which others would drop): the
    /// Unix time in seconds, or one more than the current generation when that is not lower. Stored in the
    /// <see cref="GossipOptions.GenerationFile"/> when there is one, so that a restart goes on above it.
    /// </summary>
    private bool TryRenewGeneration()
    {
        uint next = GenerationStore.Next(_node.Time, _node.Generation);
        if (_node.Round - _renewedRound < _node.Options.ReapAfterRounds || next > _members.GenerationCeiling())
        {
            return false;
        }

        _renewedRound = _node.Round;
        GenerationStore.TryStore(_node.Options, next);
        _members.RenewSelf(next);
        return true;
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

    private void ApplyAboutSelf(in MembershipEvent e, WireAddress replyTo, NodeId teller)
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
                _frames.SendEvent(replyTo, teller, alive);
            }
        }
    }
}
