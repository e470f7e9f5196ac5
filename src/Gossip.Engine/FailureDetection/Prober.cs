using Gossip.Engine.Dissemination;
using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.FailureDetection;

/// <summary>
/// SWIM's failure detector with Lifeguard's refinements: one scheduled probe per probe interval (direct ping, then
/// ping-req through helpers, then a verdict), probes run for others (relays), confirmation probes of members someone
/// else suspects, suspicions with a deadline that independent confirmations shorten, and the verdict: a suspicion that
/// expires unrefuted declares the member dead. This is the file to open for "why was this node declared dead".
/// </summary>
internal sealed class Prober
{
    private readonly NodeContext _node;
    private readonly GossipOptions _options;
    private readonly NodeCounters _counters;
    private readonly Member _self;
    private readonly NodeId _id;
    private readonly MembershipState _members;
    private readonly Disseminator _spread;
    private readonly FrameComposer _frames;
    private readonly LocalHealth _health;
    private readonly ReplicatedMap? _data;
    private readonly Func<bool> _behindOnInput;
    private readonly RelayTable _relays = new(64);
    private readonly ProbeRotation _rotation = new();
    private readonly List<Member> _suspects = [];

    // Slot 0 is the scheduled probe; the others are confirmation probes of members someone else suspects.
    private readonly PendingProbe[] _probes = new PendingProbe[5];
    private uint _sequence;
    private long _nextProbeRound;

    // behindOnInput: true while frames this node has received wait unhandled (in its mailbox or its socket); asked only
    // when a verdict is due, which it then puts off. Null: never behind (simulation hands every frame over at once).
    public Prober(NodeContext node, MembershipState members, Disseminator spread, FrameComposer frames, LocalHealth health, ReplicatedMap? data = null, Func<bool>? behindOnInput = null)
    {
        _behindOnInput = behindOnInput ?? (static () => false);
        _node = node;
        _options = node.Options;
        _counters = node.Counters;
        _self = node.Self;
        _id = node.Id;
        _members = members;
        _spread = spread;
        _frames = frames;
        _health = health;
        _data = data;
    }

    /// <summary>Draws the round of the first probe, so nodes started together do not probe in lock-step.</summary>
    public void Start() => _nextProbeRound = 1 + _node.Random.Next(_options.ProbeEveryRounds);

    /// <summary>The round's failure detection: probe timeouts and verdicts, the next scheduled probe, expired suspicions.</summary>
    public void Step(long round)
    {
        SendDueNacks(round);
        CheckProbes(round);
        ProbeNext(round);
        ExpireSuspicions(round);
    }

    /// <summary>
    /// The first round after <paramref name="round"/> in which <see cref="Step"/> sends, raises an event or changes what
    /// other threads read, if no frame arrives meanwhile: the next scheduled probe, a due nack, a probe's indirect
    /// stage or verdict, a suspicion's last ping or deadline. A verdict put off (<see cref="DeferVerdict"/>) is due
    /// again at once. An answered probe is cleared in any later round; it matters then only while it lowers a local
    /// health score above 0 (<see cref="GossipNode.LocalHealthScore"/> is public).
    /// </summary>
    public long NextWorkRound(long round)
    {
        long soon = round + 1;
        long next = Math.Min(_nextProbeRound, _relays.NextNackRound());
        int timeout = _health.Scale(_options.ProbeTimeoutRounds);
        foreach (ref readonly PendingProbe probe in _probes.AsSpan())
        {
            if (probe.Target is null)
            {
                continue;
            }

            if (probe.Acked)
            {
                next = _health.Score > 0 ? soon : next;
                continue;
            }

            next = Math.Min(next, probe.SentRound + (probe.IndirectSent ? 2 * timeout : timeout));
        }

        int finalPing = _options.ProbeTimeoutRounds;
        foreach (Member member in _suspects)
        {
            if (member.Status != MemberStatus.Suspect || member.Suspicion is not { } suspicion || member.Removed || member.HeardRound > suspicion.StartRound)
            {
                return soon;
            }

            next = Math.Min(next, suspicion.FinalPingSent ? suspicion.DeadlineRound : suspicion.DeadlineRound - finalPing);
        }

        return Math.Max(next, soon);
    }

    /// <summary>Suspects a live member as if a probe had failed, and pushes the news at once (tests of refutation).</summary>
    public void InjectSuspicion(NodeId id)
    {
        if (_members.TryGet(id, out Member? target) && target.Status == MemberStatus.Alive)
        {
            SuspectLocally(target);
            _spread.FlushEager();
            _members.Publish(endOfRound: true);
        }
    }

    /// <summary>
    /// Suspects a member whose probe failed, and tells the member itself at once: the rumor spreads to everyone else,
    /// but a suspect that never hears of its suspicion cannot refute it, and a lost ack is the commonest reason for a
    /// failed probe of a live node. (Found by the chaos runner: a live node declared dead on a 4 % loss network
    /// because every copy of the suspicion went to the other nodes.)
    /// </summary>
    public void SuspectLocally(Member member)
    {
        MembershipEvent suspect = OurSuspicionOf(member);
        if (OnSuspect(suspect, member, fromPeer: false))
        {
            _counters.SuspicionsValue++;
            _frames.SendEvent(member.Address, member.Id, suspect);
        }
    }

    /// <summary>
    /// A suspicion of <paramref name="member"/>, ours or a peer's. The first opens a suspicion (and, now and then, a
    /// probe of our own to confirm it independently); each new independent reporter shortens its deadline. Returns
    /// true when the suspicion was taken (and so spread), false when it changed nothing.
    /// </summary>
    public bool OnSuspect(in MembershipEvent e, Member? member, bool fromPeer)
    {
        if (member is null || !member.IsLive || e.Generation != member.Generation || e.Incarnation < member.Incarnation)
        {
            return false;
        }

        int n = _members.Table.LiveCount;
        if (member.Status == MemberStatus.Alive || e.Incarnation > member.Incarnation)
        {
            member.Incarnation = e.Incarnation;
            if (member.Status == MemberStatus.Alive)
            {
                _members.SetStatus(member, MemberStatus.Suspect);
                _node.Events.Notify(GossipEventKind.MemberSuspect, member.Id);
            }

            member.Suspicion = new Suspicion(_node.Round, _options.SuspicionConfirmations);
            member.Suspicion.Confirm(e.Reporter);
            _suspects.Add(member);
            if (fromPeer && _node.Random.NextDouble() < Formulas.ConfirmationProbeProbability(_options.SuspicionConfirmations, n))
            {
                StartConfirmationProbe(member);
            }
        }
        else if (member.Suspicion is null || !member.Suspicion.Confirm(e.Reporter))
        {
            return false;
        }

        GossipOptions options = _options;
        Suspicion suspicion = member.Suspicion!;
        suspicion.DeadlineRound = suspicion.StartRound + Formulas.SuspicionTimeoutRounds(
            options.SuspicionMultiplier, n, options.ProbeEveryRounds, options.ProbeTimeoutRounds, suspicion.Confirmations, options.SuspicionConfirmations);
        _spread.Spread(e);
        return true;
    }

    /// <summary>
    /// Any frame from a member we suspect: tell it of the suspicion (at most once a round), so it refutes straight back
    /// to us. Hearing from a suspect is the best moment to reach it; without this, a suspect that every copy of the
    /// notice (or of its refutation to us) missed was declared dead while it kept talking to us. (Found by the chaos
    /// runner: a 7-node cluster at 24 % loss where both notices to the suspect were lost and it then sent its prober
    /// six frames before the verdict; a 19-node one at 16 % where four copies of the refutation to one holder were
    /// lost and the suspect sent it three frames.) The notice goes to the address we hold, never to the frame's
    /// source, so a forged sender can only make us nudge the real member.
    /// </summary>
    public void OnFrameFrom(Member? sender, in FrameHeader header)
    {
        if (sender is { Status: MemberStatus.Suspect, Suspicion: { } suspicion } && header.Generation == sender.Generation
            && suspicion.ToldRound != _node.Round)
        {
            suspicion.ToldRound = _node.Round;
            _frames.SendEvent(sender.Address, sender.Id, OurSuspicionOf(sender));
        }
    }

    /// <summary>A ping: note the sender's heartbeat and answer with our own, our table hash and our replicated map's root (8 bytes, left out while the map is empty).</summary>
    public void OnPing(in Ping ping, in FrameHeader header, Member? sender, WireAddress replyTo)
    {
        if (sender is not null)
        {
            _members.HearHeartbeat(sender, header.Generation, ping.Heartbeat);
        }

        GossipWriter writer = _frames.BeginReply(replyTo);
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Ack) && new Ack(ping.Sequence, _self.Heartbeat, (uint)_members.Table.Hash, _spread.BroadcastSummary) { DataRoot = _data?.Root ?? 0 }.TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        _spread.WritePiggyback(ref writer, ref sections);
        _frames.Send(replyTo, header.Sender, ref writer, sections.Count);
    }

    /// <summary>
    /// A direct ack: the frame's sender is the node proven alive (so a process that took over a dead node's address
    /// cannot answer for it). Returns true when the ack answered a probe we ran for someone else and was relayed.
    /// </summary>
    public bool OnAck(in Ack ack, in FrameHeader header, Member? sender)
    {
        NodeId subject = header.Sender;
        if (sender is not null)
        {
            _members.HearHeartbeat(sender, header.Generation, ack.Heartbeat);
        }

        Acknowledge(ack.Sequence, subject);
        if (!_relays.TryTake(ack.Sequence, subject, _node.Round - (4 * _options.ProbeTimeoutRounds), out WireAddress requester, out NodeId requesterId, out uint requesterSequence, out bool bare))
        {
            return false;
        }

        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.RelayedAck) && new RelayedAck(requesterSequence, subject, ack.Heartbeat).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        if (!bare)
        {
            _spread.WritePiggyback(ref writer, ref sections);
        }

        _frames.Send(requester, requesterId, ref writer, sections.Count);
        return true;
    }

    /// <summary>An ack a helper relayed from the member we asked it to probe.</summary>
    public void OnRelayedAck(in RelayedAck ack)
    {
        if (_members.TryGet(ack.Subject, out Member? subject))
        {
            _members.HearHeartbeat(subject, subject.Generation, ack.Heartbeat);
        }

        Acknowledge(ack.Sequence, ack.Subject);
    }

    /// <summary>
    /// A helper's nack: it is still waiting for the target we asked it to probe. Counted for the probe in flight only
    /// when it comes from a member (an outsider's nack would only keep our doubt of ourselves down).
    /// </summary>
    public void OnNack(in Nack nack, Member? sender)
    {
        if (sender is null)
        {
            return;
        }

        for (int i = 0; i < _probes.Length; i++)
        {
            ref PendingProbe probe = ref _probes[i];
            if (probe.Target is { } target && probe.Sequence == nack.Sequence && target.Id == nack.Subject && probe.Nacks < probe.HelpersAsked)
            {
                probe.Nacks++;
            }
        }
    }

    /// <summary>
    /// A request to probe a member for its requester: ping it and remember whom to relay the ack to. Not a reflector:
    /// the requester must be a live member at the address the request came from, and the target a live member at the
    /// address named, unless the request is <paramref name="trusted"/> (it opened under the cluster key, so only a key
    /// holder could have sealed it, or <see cref="GossipOptions.NonMemberGuard"/> is off). Partial views need the
    /// exception: a helper often holds neither the requester nor the target, and a key holder could ping any address
    /// itself. A trusted request from an address not verified is answered bare and once (a relayed ack or a nack, no
    /// piggyback), so the answer stays smaller than the request. Refusals are counted
    /// (<see cref="NodeCounters.PingReqsRefused"/>).
    /// </summary>
    public void OnPingReq(in PingReq request, WireAddress replyTo, NodeId requesterId, bool verifiedRequester, bool trusted)
    {
        if (request.Target == _id || request.TargetAddress.IsNone)
        {
            return;
        }

        bool knownTarget = _members.TryGet(request.Target, out Member? target) && target.IsLive && target.Address == request.TargetAddress;
        if (!trusted && (!verifiedRequester || !knownTarget))
        {
            _node.Counters.PingReqsRefusedValue++;
            return;
        }

        uint sequence = ++_sequence;
        _relays.Add(sequence, replyTo, requesterId, request.Sequence, request.Target, _node.Round, _node.Round + Formulas.NackDelayRounds(_options.ProbeTimeoutRounds), bare: !verifiedRequester);
        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Ping) && new Ping(sequence, _self.Heartbeat).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        _frames.Send(request.TargetAddress, request.Target, ref writer, sections.Count);
    }

    /// <summary>Timeouts of the probes in flight: ping-req through helpers after one timeout, a verdict after two.</summary>
    private void CheckProbes(long round)
    {
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
                probe.HelpersAsked = SendIndirectProbes(target, probe.Sequence);
            }

            if (round >= probe.SentRound + (2 * timeout))
            {
                if (DeferVerdict())
                {
                    continue;
                }

                probe.Target = null;
                if (i == 0)
                {
                    // Only our own scheduled probes count against our health: a confirmation probe of a member
                    // others already suspect is expected to fail when it really died, and would punish every prober.
                    _health.ProbeFailed();
                    if (probe.HelpersAsked > 0 && probe.Nacks == 0)
                    {
                        _health.NoNackHeard();
                    }
                }

                if (!target.Removed && target.IsLive && (i == 0 || probe.SuspectOnFailure || target.Status == MemberStatus.Suspect))
                {
                    SuspectLocally(target);
                }
            }
        }
    }

    private void ProbeNext(long round)
    {
        if (round < _nextProbeRound)
        {
            return;
        }

        _nextProbeRound = round + _health.Scale(_options.ProbeEveryRounds);
        Member? next = _rotation.Pick(_members.Table, _self, _members.Down, _node.Time.GetUtcNow(), _options.GossipInterval * _options.ProbeEveryRounds)
            ?? _members.ProbePeers.Next();
        if (next is not null)
        {
            _probes[0] = new PendingProbe { Target = next, Sequence = ++_sequence, SentRound = round };
            SendPing(next, _probes[0].Sequence);
        }
    }

    /// <summary>
    /// Clears suspicions the suspect's heartbeat has since refuted and declares the expired ones dead, after a last
    /// ping of the suspect one probe timeout before the deadline. The ping carries the suspicion, so a live suspect
    /// acks (its heartbeat clears our suspicion) and refutes straight back to us: without it our verdict rested on the
    /// refutation's gossip reaching us, and a rumor's few transmissions can all be lost. (Found by the chaos runner: a
    /// 6-node cluster at 34 % loss where a live node was declared dead by its prober, which every copy of the
    /// refutation had missed and which had not probed it again in the 3 s of the suspicion.) One frame per suspicion
    /// held. The verdict never waits for the answer: when independent confirmations bring the deadline within a
    /// timeout, they are the evidence Lifeguard shortens it for, and a crashed member's verdict would come later for
    /// nothing. The timeout is not scaled by local health, unlike a probe's, for the same reason: the prober that
    /// opened the suspicion has just failed a probe, and a scaled check lands too early or holds up the verdict.
    /// </summary>
    private void ExpireSuspicions(long round)
    {
        int timeout = _options.ProbeTimeoutRounds;
        for (int i = _suspects.Count - 1; i >= 0; i--)
        {
            Member member = _suspects[i];
            if (member.Status != MemberStatus.Suspect || member.Suspicion is null || member.Removed)
            {
                member.Suspicion = null;
                _suspects.RemoveAt(i);
                continue;
            }

            if (member.HeardRound > member.Suspicion.StartRound)
            {
                // Its own frames showed its heartbeat advancing since the suspicion began: it is taking part, whatever
                // the probes said. (Heartbeats passed on in digests do not count: found by the chaos runner, seed 44,
                // where stale ones kept a departed member alive in a view that had missed its death.)
                _suspects.RemoveAt(i);
                _members.MarkAlive(member);
                continue;
            }

            Suspicion suspicion = member.Suspicion;
            if (round < suspicion.DeadlineRound)
            {
                if (!suspicion.FinalPingSent && round >= suspicion.DeadlineRound - timeout)
                {
                    suspicion.FinalPingSent = true;
                    SendPing(member, ++_sequence, piggyback: false);
                }
            }
            else if (!DeferVerdict())
            {
                _suspects.RemoveAt(i);
                _counters.DeathsDeclaredValue++;
                var dead = new MembershipEvent(MembershipEventKind.Dead, member.Id, member.Generation, member.Incarnation, _id, member.Address);
                _members.MarkDown(member, MemberStatus.Dead);
                _spread.Spread(dead);
            }
        }
    }

    /// <summary>
    /// A verdict waits while our own input is behind: the ack or refutation it would give up on may be among the frames
    /// we have received and not handled yet. A node whose receive path stalls (a starved thread pool under an async
    /// receive loop, a stop-the-world pause, a flood it cannot keep up with) while its round thread keeps ticking would
    /// otherwise declare members dead whose answers sit in its own socket. (Found by the hostile scenario run beside a
    /// parallel loop that held the thread pool: 189 suspicions and 5 false deaths among 5 live nodes, all answering.)
    /// The round's other work goes on; the verdict is taken at the first round that finds the input drained. A probe
    /// still pending when the next scheduled one starts is given up without a verdict.
    /// </summary>
    private bool DeferVerdict()
    {
        if (!_behindOnInput())
        {
            return false;
        }

        _counters.VerdictsDeferredValue++;
        return true;
    }

    /// <summary>
    /// Probes a live member that news we do not believe says is gone (an outsider's notice): if it does not answer, we
    /// suspect it ourselves, as after a failed scheduled probe; if it does, nothing happened. Uses a confirmation slot,
    /// so a flood of such news costs at most one probe per free slot.
    /// </summary>
    public void Verify(Member member) => StartConfirmationProbe(member, suspectOnFailure: true);

    /// <summary>Probes a member someone else suspects, so our own verdict can confirm (or not) independently.</summary>
    private void StartConfirmationProbe(Member suspect, bool suspectOnFailure = false)
    {
        int free = -1;
        for (int i = _probes.Length - 1; i >= 1; i--)
        {
            if (_probes[i].Target == suspect)
            {
                return;
            }

            free = _probes[i].Target is null ? i : free;
        }

        if (free > 0)
        {
            _probes[free] = new PendingProbe { Target = suspect, Sequence = ++_sequence, SentRound = _node.Round, SuspectOnFailure = suspectOnFailure };
            SendPing(suspect, _probes[free].Sequence);
        }
    }

    private void Acknowledge(uint sequence, NodeId subject)
    {
        for (int i = 0; i < _probes.Length; i++)
        {
            ref PendingProbe probe = ref _probes[i];
            if (probe.Target is { } target && sequence == probe.Sequence && subject == target.Id)
            {
                probe.Acked = true;
            }
        }
    }

    /// <summary>Asks helpers to probe <paramref name="target"/> for us; returns how many were asked.</summary>
    private int SendIndirectProbes(Member target, uint sequence)
    {
        int sent = 0;
        foreach (Member helper in _members.GossipPeers.NextDistinct(_options.IndirectProbes + 1))
        {
            if (helper != target && sent < _options.IndirectProbes)
            {
                SendPingReq(helper, sequence, target);
                sent++;
            }
        }

        return sent;
    }

    /// <summary>
    /// Lifeguard's nacks: a relay whose target has not acked within most of a probe timeout tells the requester so,
    /// proving the requester's path to the relay works. A requester that hears no nack from any helper either has
    /// most likely lost its own network or fallen behind, and doubts itself before it accuses the target.
    /// </summary>
    private void SendDueNacks(long round)
    {
        while (_relays.TryTakeDueNack(round, out WireAddress requester, out NodeId requesterId, out uint requesterSequence, out NodeId target))
        {
            GossipWriter writer = _frames.Begin();
            var sections = new SectionWriter();
            if (sections.TryBegin(ref writer, MessageType.Nack) && new Nack(requesterSequence, target).TryWrite(ref writer))
            {
                sections.End(ref writer);
            }

            _frames.Send(requester, requesterId, ref writer, sections.Count);
        }
    }

    /// <summary>
    /// Pings a member; one to a suspect carries the suspicion. <paramref name="piggyback"/> false leaves out the news
    /// we spread: the last check before a verdict goes to a member that has most likely crashed, and every holder of
    /// the suspicion sends one, so each would spend a transmission of the freshest news (the suspicion itself, soon
    /// the verdict) on a dead address instead of a live peer.
    /// </summary>
    private void SendPing(Member target, uint sequence, bool piggyback = true)
    {
        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.Ping) && new Ping(sequence, _self.Heartbeat).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        if (target.Status == MemberStatus.Suspect)
        {
            // Lifeguard's buddy system: a ping to a suspect carries the suspicion, so the suspect learns of it from
            // everyone who probes it and can refute, even after the rumor's own transmissions have run out.
            WriteSuspicion(ref writer, ref sections, target);
        }

        if (piggyback)
        {
            _spread.WritePiggyback(ref writer, ref sections);
        }

        _frames.Send(target.Address, target.Id, ref writer, sections.Count);
    }

    /// <summary>This node's suspicion of <paramref name="member"/> at the incarnation we know.</summary>
    private MembershipEvent OurSuspicionOf(Member member) =>
        new(MembershipEventKind.Suspect, member.Id, member.Generation, member.Incarnation, _id, member.Address);

    private void WriteSuspicion(ref GossipWriter writer, ref SectionWriter sections, Member target)
    {
        MembershipEvent suspect = OurSuspicionOf(target);
        if (sections.TryBegin(ref writer, MessageType.Membership) && ListWriter.TryBegin(ref writer, out ListWriter list))
        {
            if (suspect.TryWrite(ref writer))
            {
                list.Add();
            }

            list.End(ref writer);
            FrameComposer.EndIfAny(ref writer, ref sections, list.Count);
        }
    }

    private void SendPingReq(Member helper, uint sequence, Member target)
    {
        GossipWriter writer = _frames.Begin();
        var sections = new SectionWriter();
        if (sections.TryBegin(ref writer, MessageType.PingReq) && new PingReq(sequence, target.Id, target.Address).TryWrite(ref writer))
        {
            sections.End(ref writer);
        }

        _spread.WritePiggyback(ref writer, ref sections, rumors: false);
        _frames.Send(helper.Address, helper.Id, ref writer, sections.Count);
    }
}
