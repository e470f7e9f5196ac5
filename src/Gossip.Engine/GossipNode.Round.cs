using Gossip.Engine.FailureDetection;
using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine;

// One round: advance the heartbeat, run the failure detector, spread rumors and events, take an aggregation
// step, reap the dead. Allocation-free in steady state.
public sealed partial class GossipNode
{
    internal void RunRound()
    {
        if (_stopped || !_started)
        {
            return;
        }

        long round = ++_round;
        Counters.RoundsValue = round;
        _self.Heartbeat++;
        _self.HeartbeatRound = round;

        if (_seeds.Count > 0 && _table.LiveCount <= 1 && round % _options.ProbeEveryRounds == 0)
        {
            SendJoin();
        }

        ProbeStep(round);
        ExpireSuspicions(round);
        GossipStep();
        _eagerPending = false;
        _eagerUnlimited = false;
        AggregationStep();
        Reap(round);
        Reconnect(round);
        PublishViews();
    }

    /// <summary>
    /// Now and then, try an anti-entropy exchange with a member we hold dead. If it is alive after all (a healed
    /// partition), the exchange tells it it was declared dead, it rejoins with a new generation, and both sides of
    /// the partition merge again. Costs one datagram every few seconds while dead members are remembered.
    /// </summary>
    private void Reconnect(long round)
    {
        if (_down.Count == 0 || round % (5L * _options.SyncEveryRounds) != 0)
        {
            return;
        }

        Member candidate = _down[_random.Next(_down.Count)];
        if (candidate.Status == MemberStatus.Dead && !candidate.Removed)
        {
            SendSyncRequest(candidate.Address);
        }
    }

    private void ProbeStep(long round)
    {
        // Slot 0 is the scheduled probe; the others are confirmation probes of members someone else suspects.
        // All follow the same path: direct ping, ping-req through helpers after one timeout, verdict after two.
        int timeout = _health.Scale(_options.ProbeTimeoutRounds);
        for (int i = 0; i < _probes.Length; i++)
        {
            ref PendingProbe probe = ref _probes[i];
            if (probe.Target is not { } target || probe.Acked)
            {
                if (probe.Acked)
                {
                    _health.ProbeSucceeded();
                }

                probe = default;
                continue;
            }

            if (!probe.IndirectSent && round >= probe.SentRound + timeout)
            {
                probe.IndirectSent = true;
                SendIndirectProbes(target, probe.Sequence);
            }

            if (round >= probe.SentRound + (2 * timeout))
            {
                probe.Target = null;
                if (i == 0)
                {
                    // Only our own scheduled probes count against our health: a confirmation probe of a member
                    // others already suspect is expected to fail when it really died, and would punish every prober.
                    _health.ProbeFailed();
                }

                if (!target.Removed && target.IsLive && (i == 0 || target.Status == MemberStatus.Suspect))
                {
                    SuspectLocally(target);
                }
            }
        }

        if (round < _nextProbeRound)
        {
            return;
        }

        _nextProbeRound = round + _health.Scale(_options.ProbeEveryRounds);
        Member? next = _probePeers.Next();
        if (next is null)
        {
            return;
        }

        _probes[0] = new PendingProbe { Target = next, Sequence = ++_probeSequence, SentRound = round };
        SendPing(next, _probes[0].Sequence);
    }

    private void SendIndirectProbes(Member target, uint sequence)
    {
        int helpers = _gossipPeers.NextDistinct(_peers, _options.IndirectProbes + 1);
        int sent = 0;
        for (int i = 0; i < helpers && sent < _options.IndirectProbes; i++)
        {
            Member helper = _peers[i]!;
            if (helper != target)
            {
                SendPingReq(helper, sequence, target);
                sent++;
            }
        }

        Array.Clear(_peers);
    }

    /// <summary>Probes a member someone else suspects, so our own verdict can confirm (or not) independently.</summary>
    private void StartConfirmationProbe(Member suspect)
    {
        for (int i = 1; i < _probes.Length; i++)
        {
            if (_probes[i].Target == suspect)
            {
                return;
            }
        }

        for (int i = 1; i < _probes.Length; i++)
        {
            if (_probes[i].Target is null)
            {
                _probes[i] = new PendingProbe { Target = suspect, Sequence = ++_probeSequence, SentRound = _round };
                SendPing(suspect, _probes[i].Sequence);
                return;
            }
        }
    }

    private void ExpireSuspicions(long round)
    {
        for (int i = _suspects.Count - 1; i >= 0; i--)
        {
            Member member = _suspects[i];
            if (member.Status != MemberStatus.Suspect || member.Suspicion is null || member.Removed)
            {
                member.Suspicion = null;
                _suspects.RemoveAt(i);
                continue;
            }

            if (member.HeartbeatRound > member.Suspicion.StartRound)
            {
                // Its heartbeat advanced since the suspicion began: it is taking part, whatever the probes said.
                _suspects.RemoveAt(i);
                member.Suspicion = null;
                SetStatus(member, MemberStatus.Alive);
                Notify(GossipEventKind.MemberAlive, member.Id);
                continue;
            }

            if (round >= member.Suspicion.DeadlineRound)
            {
                _suspects.RemoveAt(i);
                Counters.DeathsDeclaredValue++;
                var dead = new MembershipEvent(MembershipEventKind.Dead, member.Id, member.Generation, member.Incarnation, Id, member.Address);
                MarkDown(member, MemberStatus.Dead);
                Spread(dead);
            }
        }
    }

    private void GossipStep()
    {
        bool hot = _rumors.HotCount > 0 || _membershipEvents.Count > 0;
        bool push = _options.Mode != DisseminationMode.Pull;
        bool pull = _options.Mode != DisseminationMode.Push;
        bool exchange = _options.Mode switch
        {
            DisseminationMode.Push => hot,
            DisseminationMode.Pull => true,
            _ => hot || _options.ExchangeWhenIdle,
        };
        if (!exchange)
        {
            return;
        }

        int count = _gossipPeers.NextDistinct(_peers, _options.Fanout);
        for (int i = 0; i < count; i++)
        {
            SendGossip(_peers[i]!.Address, push, pull);
        }

        Array.Clear(_peers);
    }

    private void AggregationStep()
    {
        if (!_aggregator.HasValue && _aggregator.Epoch == 0)
        {
            return;
        }

        _aggregator.EnterEpoch(CurrentEpoch(), IsAggregationLeader());
        _publishedAggregate = _aggregator.Completed;
        Member? peer = _gossipPeers.Next();
        if (peer is null)
        {
            return;
        }

        AggregateShare share = _aggregator.TakeShare();
        GossipWriter writer = BeginFrame();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Aggregation) && share.TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        SendFrame(peer.Address, ref writer, sections.Count);
    }

    /// <summary>Epochs are numbered from the shared clock so every node restarts push-sum at about the same time without coordination.</summary>
    private uint CurrentEpoch()
    {
        long epochMilliseconds = Math.Max(1, (long)_options.GossipInterval.TotalMilliseconds * _options.AggregationEpochRounds);
        return (uint)(_time.GetUtcNow().ToUnixTimeMilliseconds() / epochMilliseconds) + 1;
    }

    /// <summary>The live member with the lowest id injects the count weight; every node can tell from its own table.</summary>
    private bool IsAggregationLeader()
    {
        for (int i = 0; i < _table.Count; i++)
        {
            if (_table[i].IsLive)
            {
                return _table[i] == _self;
            }
        }

        return true;
    }

    private void Reap(long round)
    {
        for (int i = _down.Count - 1; i >= 0; i--)
        {
            Member member = _down[i];
            if (member.Removed || member.IsLive)
            {
                _down.RemoveAt(i);
            }
            else if (round - member.StatusRound >= _options.ReapAfterRounds)
            {
                _down.RemoveAt(i);
                _table.Remove(member);
                _membersById.TryRemove(member.Id, out _);
            }
        }
    }

    /// <summary>
    /// Publishes the member list for readers on other threads. Rebuilding it is O(n), and while a large cluster forms
    /// nearly every frame changes the table, so the receive path (<paramref name="endOfRound"/> false) rebuilds at most
    /// once per round; the end of every round publishes whatever is left.
    /// </summary>
    private void PublishViews(bool endOfRound = true)
    {
        if (!endOfRound && _publishedRound == _round)
        {
            return;
        }

        MemberSnapshot[] snapshot = _table.Snapshot();
        if (!ReferenceEquals(snapshot, _published))
        {
            // Every change of the live count also makes the snapshot stale, so the two are published together.
            _published = snapshot;
            _publishedLiveCount = _table.LiveCount;
            _publishedRound = _round;
        }
    }

    private void LeaveCore()
    {
        if (_stopped)
        {
            return;
        }

        var leave = new MembershipEvent(MembershipEventKind.Leave, Id, Generation, _self.Incarnation, Id, Address);

        // Pick the peers while this node still counts itself live (the picker sizes its choice by the live count).
        int count = _gossipPeers.NextDistinct(_peers, Math.Min(_peers.Length, 2 * _options.Fanout));
        bool wasLive = _self.IsLive;
        ulong oldHash = _self.Hash;
        _self.Status = MemberStatus.Left;
        _table.Refresh(_self, wasLive, oldHash);
        for (int i = 0; i < count; i++)
        {
            SendEvents(_peers[i]!.Address, leave);
        }

        Array.Clear(_peers);
        Stop();
    }
}
