using Gossip.Engine.FailureDetection;
using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine;

// Membership: applying join / alive / suspect / dead / leave events, suspicion with independent confirmations,
// refutation by the suspect itself, and a new generation when a live node learns it was declared dead.
public sealed partial class GossipNode
{
    private int RetransmitLimit => Formulas.RetransmitLimit(_options.RetransmitMultiplier, Math.Max(_table.LiveCount, _options.ClusterSizeHint));

    /// <summary>
    /// Queues an event for piggybacking and, when <paramref name="urgent"/> and eager push is on, sends it to a few peers
    /// at once (suspicions at most once a round, see <see cref="FlushEager"/>). Urgent: news that races a timer
    /// (suspicions, deaths, departures, refutations). Joins are not: pushing every newly learned member eagerly costs O(n^2)
    /// datagrams while a large cluster forms.
    /// </summary>
    private void Spread(in MembershipEvent membershipEvent, bool urgent = true)
    {
        _membershipEvents.Enqueue(membershipEvent, RetransmitLimit);
        _eagerPending |= urgent && _options.EagerPush;

        // Suspicions are what multiplies in a storm; refutations and verdicts are what ends one, so they go at once.
        _eagerUnlimited |= urgent && _options.EagerPush && membershipEvent.Kind != MembershipEventKind.Suspect;
    }

    private void SendJoin()
    {
        var join = new MembershipEvent(MembershipEventKind.Join, Id, Generation, _self.Incarnation, Id, Address);
        _membershipEvents.Enqueue(join, RetransmitLimit);
        foreach (WireAddress seed in _seeds)
        {
            if (seed != Address)
            {
                SendSyncRequest(seed);
            }
        }
    }

    private void SuspectLocally(Member member)
    {
        var suspect = new MembershipEvent(MembershipEventKind.Suspect, member.Id, member.Generation, member.Incarnation, Id, member.Address);
        Counters.SuspicionsValue++;
        ApplyEvent(suspect, fromPeer: false);
    }

    private void ApplyEvent(in MembershipEvent e, bool fromPeer, WireAddress replyTo = default)
    {
        if (e.Subject == Id)
        {
            ApplyEventAboutSelf(e);
            return;
        }

        _table.TryGet(e.Subject, out Member? member);
        if (fromPeer && member is not null && member.IsLive && e.Generation == member.Generation && e.Incarnation < member.Incarnation
            && e.Kind is MembershipEventKind.Suspect or MembershipEventKind.Dead)
        {
            // The sender missed a refutation we saw: tell it directly, or it may declare a live member dead.
            SendEvents(replyTo, new MembershipEvent(MembershipEventKind.Alive, member.Id, member.Generation, member.Incarnation, Id, member.Address));
            return;
        }
        switch (e.Kind)
        {
            case MembershipEventKind.Join:
            case MembershipEventKind.Alive:
                ApplyAlive(e, member);
                break;
            case MembershipEventKind.Suspect:
                ApplySuspect(e, member, fromPeer);
                break;
            case MembershipEventKind.Dead:
            case MembershipEventKind.Leave:
                // SWIM's rule: a death counts only at or above the incarnation we know; a refuted suspicion's
                // late verdict (older incarnation) is ignored.
                if (member is not null && member.IsLive && e.Generation == member.Generation && e.Incarnation >= member.Incarnation)
                {
                    MarkDown(member, e.Kind == MembershipEventKind.Dead ? MemberStatus.Dead : MemberStatus.Left);
                    Spread(e);
                }
                else if (member is null && fromPeer && _table.IsFull && _forwardedNotices.TryAdd(e))
                {
                    // A partial view: the nodes that know the subject may hear of its end only through nodes like us.
                    Counters.NoticesForwardedValue++;
                    Spread(e);
                }

                break;
        }
    }

    private void ApplyAlive(in MembershipEvent e, Member? member)
    {
        bool urgent = false;
        if (member is null)
        {
            if (e.Address.IsNone || AddMember(e.Subject, e.Generation, e.Incarnation, e.Address) is null)
            {
                return;
            }
        }
        else if (e.Generation > member.Generation)
        {
            Restart(member, e.Generation, e.Incarnation, e.Address.IsNone ? member.Address : e.Address);
        }
        else if (e.Generation == member.Generation && e.Incarnation > member.Incarnation && member.Status != MemberStatus.Left)
        {
            // A higher incarnation proves the member outlived the suspicion, and also the death that a node which
            // missed the refutation declared from it.
            bool wasDown = member.Status != MemberStatus.Alive;
            urgent = wasDown;
            member.Incarnation = e.Incarnation;
            if (wasDown)
            {
                SetStatus(member, MemberStatus.Alive);
                member.Suspicion = null;
                Notify(GossipEventKind.MemberAlive, member.Id);
            }
        }
        else
        {
            return;
        }

        Spread(e, urgent);
    }

    private void ApplySuspect(in MembershipEvent e, Member? member, bool fromPeer)
    {
        if (member is null || !member.IsLive || e.Generation != member.Generation || e.Incarnation < member.Incarnation)
        {
            return;
        }

        int n = _table.LiveCount;
        if (member.Status == MemberStatus.Alive || e.Incarnation > member.Incarnation)
        {
            member.Incarnation = e.Incarnation;
            if (member.Status == MemberStatus.Alive)
            {
                SetStatus(member, MemberStatus.Suspect);
                Notify(GossipEventKind.MemberSuspect, member.Id);
            }

            member.Suspicion = new Suspicion(_round, _options.SuspicionConfirmations);
            member.Suspicion.Confirm(e.Reporter);
            _suspects.Add(member);
            if (fromPeer && _random.NextDouble() < Formulas.ConfirmationProbeProbability(_options.SuspicionConfirmations, n))
            {
                StartConfirmationProbe(member);
            }
        }
        else if (member.Suspicion is null || !member.Suspicion.Confirm(e.Reporter))
        {
            return;
        }

        Suspicion suspicion = member.Suspicion!;
        suspicion.DeadlineRound = suspicion.StartRound + Formulas.SuspicionTimeoutRounds(
            _options.SuspicionMultiplier, n, _options.ProbeEveryRounds, _options.ProbeTimeoutRounds, suspicion.Confirmations, _options.SuspicionConfirmations);
        Spread(e);
    }

    private void ApplyEventAboutSelf(in MembershipEvent e)
    {
        if (e.Generation != Generation || !_self.IsLive)
        {
            return;
        }

        if (e.Kind is MembershipEventKind.Suspect or MembershipEventKind.Dead || (e.Kind == MembershipEventKind.Leave && e.Reporter != Id))
        {
            Refute(e.Incarnation);
        }
    }

    /// <summary>Declared dead while alive: come back as a new generation, which supersedes the dead one everywhere.</summary>
    /// <summary>
    /// Answers a suspicion or death notice about this node: a higher incarnation of "alive" overrides it wherever it
    /// reaches (a stale notice below our incarnation just gets the current one spread again).
    /// </summary>
    private MembershipEvent Refute(uint noticedIncarnation)
    {
        if (noticedIncarnation >= _self.Incarnation)
        {
            _self.Incarnation = noticedIncarnation + 1;
            Counters.RefutationsValue++;
            _health.Refuted();
        }

        var alive = new MembershipEvent(MembershipEventKind.Alive, Id, Generation, _self.Incarnation, Id, Address);
        Spread(alive);
        return alive;
    }

    private Member? AddMember(NodeId id, uint generation, uint incarnation, WireAddress address)
    {
        // Checked before the Member is made: a full table (a partial view) is offered unknown members on every sync.
        if (_table.IsFull)
        {
            Counters.LimitHitsValue++;
            return null;
        }

        var member = new Member(id, generation, address) { Incarnation = incarnation, Status = MemberStatus.Alive, StatusRound = _round, HeartbeatRound = _round };
        _table.TryAdd(member);

        _membersById[id] = member;
        _gossipPeers.Added(member);
        _probePeers.Added(member);
        Notify(GossipEventKind.MemberJoined, id);
        return member;
    }

    /// <summary>A member came back with a higher generation: its old state and status are void.</summary>
    private void Restart(Member member, uint generation, uint incarnation, WireAddress address)
    {
        bool wasLive = member.IsLive;
        ulong oldHash = member.Hash;
        member.Generation = generation;
        member.Incarnation = incarnation;
        member.Address = address;
        member.Status = MemberStatus.Alive;
        member.StatusRound = _round;
        member.Suspicion = null;
        member.Heartbeat = 0;
        member.MaxVersion = 0;
        member.StateOrNull?.Clear();
        _table.Refresh(member, wasLive, oldHash);
        Notify(GossipEventKind.MemberJoined, member.Id);
    }

    private void SetStatus(Member member, MemberStatus status)
    {
        bool wasLive = member.IsLive;
        ulong oldHash = member.Hash;
        member.Status = status;
        member.StatusRound = _round;
        _table.Refresh(member, wasLive, oldHash);
    }

    private void MarkDown(Member member, MemberStatus status)
    {
        SetStatus(member, status);
        member.Suspicion = null;
        _down.Add(member);
        Notify(status == MemberStatus.Dead ? GossipEventKind.MemberDead : GossipEventKind.MemberLeft, member.Id);
    }

    private void SetLocalCore(string key, byte[] value, bool deleted)
    {
        if (!_self.State.ContainsKey(key) && _self.State.Count >= _options.MaxKeysPerMember)
        {
            Counters.LimitHitsValue++;
            return;
        }

        ulong oldHash = _self.Hash;
        ulong version = _self.MaxVersion + 1;
        _self.State[key] = new StateEntry(value, version, deleted);
        _self.MaxVersion = version;
        _table.Refresh(_self, wasLive: _self.IsLive, oldHash);
        Notify(GossipEventKind.StateChanged, Id, key);
    }

    private void BroadcastCore(RumorId id, byte[] payload)
    {
        if (_rumors.TryAdd(id, payload, RetransmitLimit))
        {
            Counters.RumorsOriginatedValue++;
            _eagerPending |= _options.EagerPush;
            _eagerUnlimited |= _options.EagerPush;
            FlushEager();
        }
    }

    /// <summary>
    /// Eager push: new rumors and events go to a few peers now instead of waiting for the next round. Suspicions alone
    /// are pushed at most once a round: in a burst of them (an overloaded host) every node forwarding every suspicion
    /// at once would multiply the load that caused the burst; the rest ride the round's gossip. Refutations, deaths
    /// and departures always go at once: holding back a refutation turned 3 false positives at 30 % loss into 41.
    /// </summary>
    private void FlushEager()
    {
        if (!_eagerPending || _stopped || (!_eagerUnlimited && _eventPushRound == _round))
        {
            return;
        }

        _eagerPending = false;
        _eagerUnlimited = false;
        _eventPushRound = _round;
        int count = _gossipPeers.NextDistinct(_peers, _options.EagerPushFanout);
        for (int i = 0; i < count; i++)
        {
            SendGossip(_peers[i]!.Address, push: true, pull: false);
        }

        Array.Clear(_peers);
    }
}
