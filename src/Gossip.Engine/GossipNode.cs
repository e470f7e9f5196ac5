using System.Threading.Channels;
using Gossip.Engine.Aggregation;
using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Broadcasts;
using Gossip.Engine.Dissemination;
using Gossip.Engine.FailureDetection;
using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.ReplicatedData;
using Gossip.Engine.Runtime;
using Gossip.Engine.Transport;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gossip.Engine;

/// <summary>
/// One gossip node: membership, failure detection, rumor mongering, anti-entropy and aggregation over an
/// <see cref="ITransport"/>. Safe to call from any thread: frames, rounds and API calls are serialized through
/// the node's lock-free mailbox (or, in simulation, by the single caller), so its state has one owner at a time.
/// </summary>
/// <remarks>
/// The node is a coordinator: the public API, frame dispatch and the order of a round. Each protocol concept is a
/// component that owns its state: <see cref="MembershipState"/> and <see cref="MembershipRules"/> (who is a member
/// and how news about members is believed), <see cref="Prober"/> (failure detection), <see cref="Disseminator"/>
/// (rumors and piggybacked events), <see cref="DigestExchange"/> (anti-entropy), <see cref="AggregationRound"/>, the
/// replicated map (<see cref="ReplicatedMap"/>, repaired by <see cref="TreeRepair"/>), all writing through one
/// <see cref="FrameComposer"/>.
/// </remarks>
public sealed class GossipNode : IDisposable, IReplicatedMap
{
    private readonly NodeContext _node;
    private readonly ITransport _transport;
    private readonly FrameIntake _intake;
    private readonly FrameCodec _codec;
    private readonly FrameComposer _frames;
    private readonly ILogger _logger;
    private readonly RoundScheduler? _scheduler;
    private readonly INodeExecutor _executor;
    private readonly NodeEvents _events;
    private readonly LocalHealth _health;
    private readonly long _intervalTicks;
    private readonly MembershipState _members;
    private readonly MembershipRules _rules;
    private readonly BroadcastBackstop _broadcasts;
    private readonly Disseminator _spread;
    private readonly Prober _prober;
    private readonly DigestExchange _exchange;
    private readonly AggregationRound _aggregation;
    private readonly SeedJoiner _joiner;
    private readonly ReplicatedMap _data;
    private readonly TreeRepair _repair;
    private readonly QuietRounds _quiet;

    private IDisposable? _schedule;
    private IDisposable? _metrics;
    private int _rumorSequence;

    /// <summary>Creates a node; nothing is sent until <see cref="Start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ClusterKeyRequiredException">Neither <see cref="GossipOptions.Keys"/> nor <see cref="GossipOptions.AllowPlaintext"/> is set.</exception>
    /// <exception cref="IOException"><see cref="GossipOptions.GenerationFile"/> is set and cannot be written.</exception>
    public GossipNode(GossipOptions options, ITransport transport, GossipNodeServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.Validate();
        services ??= new GossipNodeServices();
        _transport = transport;
        TimeProvider time = services.Time;
        // The seed comes from the runtime's own entropy (Random.Shared), not RandomNumberGenerator: the latter loaded
        // OpenSSL into every node process, 4.8 MB resident (libcrypto and System.Security.Cryptography) and its start-up,
        // for 62 bits that seed a generator which is not cryptographic anyway.
        IRandomSource random = services.Random ?? new SeededRandom((ulong)Random.Shared.NextInt64() << 1 ^ (ulong)Random.Shared.NextInt64());
        _logger = services.Logger ?? NullLogger.Instance;
        WireLimits limits = options.Limits ?? WireLimits.Datagram with { MaxFrameBytes = Math.Max(options.MaxDatagramBytes, transport.MaxLargeFrameBytes) };
        NodeId id = options.NodeId.IsNone ? new NodeId(random.NextUInt64() | 1) : options.NodeId;
        var codec = new FrameCodec(options.ClusterId, options.Keys, limits) { LocalId = id };
        _codec = codec;

        uint generation = GenerationStore.Choose(options, time);
        var self = new Member(id, generation, transport.LocalAddress) { Status = MemberStatus.Alive };
        Counters = new NodeCounters();
        _events = new NodeEvents(options.EventCapacity, _logger, time, Counters);
        _node = new NodeContext(options, limits, self, random, time, Counters, _events) { Mutations = services.Mutations };

        var frames = new FrameComposer(codec, transport, limits, options.MaxDatagramBytes, Counters, self, time);
        _frames = frames;
        _health = new LocalHealth(options.MaxLocalHealthScore);
        _intervalTicks = (long)(options.GossipInterval.TotalSeconds * time.TimestampFrequency);
        _quiet = new QuietRounds(_intervalTicks);
        _members = new MembershipState(_node);
        _intake = new FrameIntake(_node, codec, _members, _logger);
        _broadcasts = new BroadcastBackstop(_node, _members, frames);
        _spread = new Disseminator(_node, _members, frames, _broadcasts);
        _data = new ReplicatedMap(_node);
        _executor = services.SingleThreaded ? new InlineExecutor(this) : new NodeMailbox(this, options.MaxMailboxFrames, options.MaxMailboxBytes);
        _prober = new Prober(_node, _members, _spread, frames, _health, _data, () => _executor.Backlog > 0 || _transport.HasPendingInput);
        _repair = new TreeRepair(_node, _data, _spread, frames);
        _rules = new MembershipRules(_node, _members, _spread, _prober, frames, _health);
        _exchange = new DigestExchange(_node, _members, _rules, _spread, frames);
        _aggregation = new AggregationRound(_node, _members, frames);
        _joiner = new SeedJoiner(_node, _members, _spread, _exchange);
        _scheduler = services.SingleThreaded ? null : services.Scheduler ?? RoundScheduler.Shared;
    }

    /// <summary>This node's id.</summary>
    public NodeId Id => _node.Id;

    /// <summary>This process's generation: a restarted node takes a higher one and so supersedes its old self.</summary>
    public uint Generation => _node.Generation;

    /// <summary>The address peers reach this node at.</summary>
    public WireAddress Address => _transport.LocalAddress;

    /// <summary>The options the node runs with.</summary>
    public GossipOptions Options => _node.Options;

    /// <summary>Protocol counters.</summary>
    public NodeCounters Counters { get; }

    /// <summary>The transport's byte and datagram counters.</summary>
    public TransportCounters TransportCounters => _transport.Counters;

    /// <summary>
    /// Lifeguard's local health score: 0 when this node's probes are answered in time, rising (to
    /// <see cref="GossipOptions.MaxLocalHealthScore"/>) while its probes fail and peers suspect it, which stretches its
    /// probe interval and timeout by (score + 1). A score that stays high means this node, not its peers, is slow.
    /// </summary>
    public int LocalHealthScore => _health.Score;

    /// <summary>
    /// True from <see cref="Start"/> until <see cref="Stop"/> (or the end of <see cref="Leave"/>): the node takes part in
    /// its cluster. Health checks read it; it may trail a stop on another thread by a moment.
    /// </summary>
    public bool IsRunning => _node.Started && !_node.Stopped;

    /// <summary>
    /// Rounds run so far. A node that sleeps through quiet rounds (one scheduled alone or with a few others on the real
    /// clock) counts them when it wakes for its next frame, command or round, so this may trail by up to a probe interval.
    /// </summary>
    public long Round => Volatile.Read(ref _node.Round);

    /// <summary>Alive or suspect members known, this node included: the live members of <see cref="Members"/>.</summary>
    public int LiveMemberCount => _members.PublishedLiveCount;

    /// <summary>
    /// Every member known (dead ones until reaped). Republished after a change at most once per round from the receive
    /// path and always at the end of a round, so it lags the node's own table by at most one gossip interval.
    /// </summary>
    public IReadOnlyList<MemberSnapshot> Members => _members.Published;

    /// <summary>The aggregate estimate of the last completed epoch.</summary>
    public AggregateEstimate Aggregate => _aggregation.Published;

    /// <summary>Change notifications; when the application does not drain them the oldest are dropped (counted in <see cref="NodeCounters.EventsDropped"/>).</summary>
    public ChannelReader<GossipEvent> Events => _events.Reader;

    /// <summary>The root hash of this node's replicated map (0 when empty): two nodes holding the same map have the same root.</summary>
    public ulong DataRootHash => _data.Root;

    /// <summary>Entries of the replicated map, removed keys included until their tombstones are collected.</summary>
    public int DataCount => _data.Count;

    /// <summary>Members known, owner thread (no snapshot).</summary>
    internal int KnownMembers => _members.Table.Count;

    /// <summary>The most bytes the mailbox ever held in queued frames (0 single-threaded): the deterministic measure of the memory bound.</summary>
    internal long MailboxPeakBytes => (_executor as NodeMailbox)?.PeakQueuedBytes ?? 0;

    /// <summary>The current member-table hash (owner thread).</summary>
    internal ulong TableHash => _members.Table.Hash;

    /// <summary>
    /// Senders whose encrypted frames this node has opened (0 for a plaintext node): each holds a replay window and a
    /// derived AES-GCM key here, made when its first frame authenticated. Read from any thread; it may trail by a frame.
    /// </summary>
    internal int ReplaySenders => _codec.ReplaySenders;

    /// <summary>Stream connections this node's transport holds open now (LoadGen waits for the joins' to close before it measures).</summary>
    internal int OpenStreams => _transport is UdpTransport udp ? udp.OpenStreams : 0;

    /// <summary>Starts receiving and (unless single-threaded) schedules rounds. Idempotent.</summary>
    public void Start()
    {
        if (_node.Started)
        {
            return;
        }

        _node.Started = true;
        _prober.Start();
        _members.Publish(endOfRound: true);
        _transport.Start(new FrameReceiver(this));
        if (_scheduler is not null)
        {
            _schedule = _scheduler.Register((NodeMailbox)_executor, _node.Options.GossipInterval, _node.Time, _node.Random);
            _metrics = Diagnostics.GossipMetrics.Register(Id.ToString(), Counters, _transport.Counters, () => _members.Published, () => _spread.HotRumors);
        }

        Log.Started(_logger, Id, Generation, Address);
        if (_node.Options.Keys is null)
        {
            Log.Plaintext(_logger, Id, Address);
        }
    }

    /// <summary>Stops at once, without a goodbye (peers will detect the silence). Idempotent.</summary>
    public void Stop()
    {
        _node.Stopped = true;
        _schedule?.Dispose();
        _schedule = null;
        _metrics?.Dispose();
        _metrics = null;
    }

    /// <summary>Announces a graceful departure to a few peers, then stops taking part.</summary>
    public void Leave() => _executor.PostCommand(static node =>
    {
        node._rules.Leave();
        node.Stop();
    });

    /// <summary>Contacts the seeds to join their cluster; repeats every few rounds until another member is known.</summary>
    public void Join(IEnumerable<WireAddress> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        List<WireAddress> copy = [.. seeds];
        _executor.PostCommand(node => node._joiner.Join(copy));
    }

    /// <summary>Sets a key of this node's application state; its version advances and the change spreads by anti-entropy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The key or value is longer than the wire limits allow.</exception>
    /// <exception cref="InvalidOperationException">The key is new and this node already holds <see cref="GossipOptions.MaxKeysPerMember"/> keys (removed keys count until their tombstones are collected).</exception>
    public void SetLocal(string key, ReadOnlySpan<byte> value)
    {
        _members.ThrowIfCannotSetLocal(key, value.Length);

        byte[] copy = value.ToArray();
        _executor.PostCommand(node => node._members.SetLocal(key, copy, deleted: false));
    }

    /// <summary>Removes a key of this node's application state (a tombstone spreads); throws as <see cref="SetLocal"/> does.</summary>
    public void RemoveLocal(string key)
    {
        _members.ThrowIfCannotSetLocal(key, 0);
        _executor.PostCommand(node => node._members.SetLocal(key, [], deleted: true));
    }

    /// <summary>Reads a member's application state as this node knows it; false when unknown or removed.</summary>
    public bool TryGetState(NodeId member, string key, out ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _members.TryGetShared(member, key, out value);
    }

    /// <summary>
    /// Writes a key of the cluster-wide replicated map: any node may write any key; the version spreads at once as a
    /// rumor and Merkle repair brings it to any node the rumor missed. Concurrent writes of a key resolve the same way
    /// everywhere: the later hybrid-logical-clock stamp wins, then the higher node id (see docs/protocol.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The key is empty or longer than <see cref="GossipOptions.MaxDataKeyBytes"/>, or the value longer than <see cref="GossipOptions.MaxDataValueBytes"/>.</exception>
    /// <exception cref="InvalidOperationException">The key is new and the map holds <see cref="GossipOptions.MaxDataEntries"/> entries.</exception>
    public void SetData(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        _data.ThrowIfInvalid(key, value);
        byte[] keyCopy = key.ToArray();
        byte[] valueCopy = value.ToArray();
        _executor.PostCommand(node => node.WriteData(keyCopy, valueCopy, deleted: false));
    }

    /// <summary>Removes a key of the replicated map: a tombstone spreads and is kept for <see cref="GossipOptions.DataTombstoneRetention"/>. Throws as <see cref="SetData"/> does.</summary>
    public void RemoveData(ReadOnlySpan<byte> key)
    {
        _data.ThrowIfInvalid(key, default);
        byte[] keyCopy = key.ToArray();
        _executor.PostCommand(node => node.WriteData(keyCopy, [], deleted: true));
    }

    /// <summary>Reads a key of the replicated map as this node holds it (a copy); false when absent or removed. Any thread.</summary>
    public bool TryGetData(ReadOnlySpan<byte> key, out byte[] value) => _data.TryGet(key, out value);

    /// <summary>A copy of every key and value of the replicated map as this node holds it (removed keys left out). Any thread.</summary>
    public IReadOnlyList<KeyValuePair<byte[], byte[]>> GetDataEntries() => _data.Snapshot();

    /// <inheritdoc />
    int IReplicatedMap.Count => DataCount;

    /// <inheritdoc />
    ulong IReplicatedMap.RootHash => DataRootHash;

    /// <inheritdoc />
    void IReplicatedMap.Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => SetData(key, value);

    /// <inheritdoc />
    void IReplicatedMap.Remove(ReadOnlySpan<byte> key) => RemoveData(key);

    /// <inheritdoc />
    bool IReplicatedMap.TryGet(ReadOnlySpan<byte> key, out byte[] value) => TryGetData(key, out value);

    /// <inheritdoc />
    IReadOnlyList<KeyValuePair<byte[], byte[]>> IReplicatedMap.GetEntries() => GetDataEntries();

    /// <summary>
    /// Spreads a user rumor to the whole cluster; returns its id. Every member live until it is delivered gets it once,
    /// in order with this process's other broadcasts (a <see cref="GossipEventKind.RumorReceived"/> event), or, when it was
    /// away past <see cref="GossipOptions.BroadcastRetention"/>, a <see cref="GossipEventKind.BroadcastGap"/> event naming it.
    /// </summary>
    public RumorId Broadcast(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _node.Limits.MaxValueBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), $"A rumor payload is at most {_node.Limits.MaxValueBytes} bytes.");
        }

        var id = new RumorId(Id, (uint)Interlocked.Increment(ref _rumorSequence), Generation);
        byte[] copy = payload.ToArray();
        _executor.PostCommand(node => node._spread.Broadcast(id, copy));
        return id;
    }

    /// <summary>Publishes this node's numeric value for aggregation (avg, sum, min, max, count); the node takes part from the next round.</summary>
    public void PublishValue(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Aggregated values must be finite.");
        }

        _executor.PostCommand(node => node._aggregation.Publish(value));
    }

    private void WriteData(byte[] key, byte[] value, bool deleted)
    {
        ulong stamp = _data.Write(key, value, deleted);
        if (stamp != 0)
        {
            _spread.SpreadData(new DataEntry(key, value, stamp, Id, deleted), local: true);
            _spread.FlushEager();
        }
    }

    /// <summary>Runs one gossip round now. The scheduler calls this; a simulation calls it directly.</summary>
    public void Tick() => _executor.Tick();

    /// <summary>
    /// Adds a member this node learns of out of band (a directory, an orchestrator, a load generator), as if learned by
    /// gossip but without spreading the news: the way to give each node of a very large cluster a bounded random
    /// partial view (<see cref="GossipOptions.MaxMembers"/>) instead of letting thousands join through one seed. Only
    /// before <see cref="Start"/>; false when the member is this node, already known, or the table is full.
    /// </summary>
    /// <exception cref="InvalidOperationException">The node has started.</exception>
    public bool Introduce(NodeId id, uint generation, WireAddress address)
    {
        if (_node.Started)
        {
            throw new InvalidOperationException("Members can be introduced only before the node starts.");
        }

        return SeedMember(id, generation, address);
    }

    /// <summary>A frame from the transport (the node hands this to its transport, so no caller can inject frames through the node).</summary>
    private void OnFrame(WireAddress source, Span<byte> frame, bool viaStream)
    {
        if (!_executor.PostFrame(source, frame, viaStream))
        {
            Interlocked.Increment(ref Counters.LimitHitsValue);
            Counters.Drop(WireStatus.LimitExceeded);
        }
    }

    /// <summary>Runs a command on the owner thread: first the quiet rounds due by now, then the command.</summary>
    internal void Apply(Action<GossipNode> command)
    {
        RunQuietRoundsBeforeInput();
        command(this);
        NoteWorkRound();
    }

    /// <summary>The node's clock.</summary>
    internal TimeProvider Time => _node.Time;

    /// <summary>The rounds this node may sleep through (the scheduler enables it, and reads when to wake it).</summary>
    internal QuietRounds Quiet => _quiet;

    /// <summary>Slept rounds that sent a frame or raised an event: 0 unless the quiet-round reckoning is wrong (tests).</summary>
    internal long SleptRoundsThatWorked { get; private set; }

    /// <summary>Asks the scheduler to tick this node's next round when an input moved its work earlier (owner thread).</summary>
    internal Action? WakeScheduler { get; set; }

    /// <summary>Tells the scheduler it may sleep longer when an input moved this node's work later (owner thread).</summary>
    internal Action? LetSchedulerSleep { get; set; }

    /// <summary>Stops the node and releases its transport.</summary>
    public void Dispose()
    {
        Stop();
        _transport.Dispose();
        _events.Complete();
    }

    /// <summary>
    /// One round, in this order: our own timeliness (local health), heartbeat, rejoin while alone, failure detection, the gossip exchange, an aggregation
    /// step, reaping, collecting a few expired replicated-map tombstones, a reconnect attempt towards the dead, and the member snapshot. Allocation-free
    /// in steady state.
    /// </summary>
    internal void RunRound()
    {
        if (_node.Stopped || !_node.Started)
        {
            return;
        }

        long now = _node.Time.GetTimestamp();
        RunQuietRounds(now, beforeRound: true);
        RunRound(now, _executor.Backlog, lagMilliseconds: 0);

        // The scheduler reads it when the round is done.
        NoteWorkRound(afterInput: false);
    }

    /// <summary>Before a frame or command: the quiet rounds due by now, if any are owed (no clock read otherwise: a node that never sleeps pays nothing per frame).</summary>
    private void RunQuietRoundsBeforeInput()
    {
        if (_quiet.Owed(_node.Round))
        {
            RunQuietRounds(_node.Time.GetTimestamp(), beforeRound: false);
        }
    }

    /// <summary>
    /// Runs the quiet rounds this node slept through that are due before an input (or a round) handled at
    /// <paramref name="now"/>, each as of its nominal start: nothing queued then (any frame would have woken the node),
    /// the tombstone sweep's clock set back to then.
    /// </summary>
    private void RunQuietRounds(long now, bool beforeRound)
    {
        long due = beforeRound ? _quiet.DueBeforeRound(_node.Round, now) : _quiet.DueBeforeInput(_node.Round, now);
        for (long i = 0; i < due && !_node.Stopped; i++)
        {
            long start = _quiet.NextStart;
            long sent = Counters.FramesSentValue;
            long raised = _events.Raised;
            RunRound(start, backlog: 0, lagMilliseconds: (now - start) * 1000 / _node.Time.TimestampFrequency);
            Counters.RoundsSleptValue++;
            SleptRoundsThatWorked += Counters.FramesSentValue != sent || _events.Raised != raised ? 1 : 0;
        }
    }

    /// <summary>After a round or an input: the first round with work in it, published for the scheduler (owner thread).</summary>
    private void NoteWorkRound(bool afterInput = true)
    {
        if (!_quiet.Enabled && _quiet.WakeTimestamp == 0)
        {
            return;
        }

        long round = _node.Round;
        long next = _joiner.NextWorkRound(round);
        next = Math.Min(next, _prober.NextWorkRound(round));
        next = Math.Min(next, _spread.NextWorkRound(round));
        next = Math.Min(next, _broadcasts.NextWorkRound());
        next = Math.Min(next, _aggregation.NextWorkRound(round));
        next = Math.Min(next, _members.NextWorkRound(round));
        next = Math.Min(next, _exchange.NextWorkRound(round));
        WorkMoved moved = _quiet.SetWorkRound(round, Math.Max(next, round + 1));
        if (moved == WorkMoved.Earlier)
        {
            WakeScheduler?.Invoke();
        }
        else if (moved == WorkMoved.Later && afterInput)
        {
            // Most often the ack to this round's probe, after the scheduler went to sleep until the probe's timeout.
            LetSchedulerSleep?.Invoke();
        }
    }

    private void RunRound(long timestamp, int backlog, long lagMilliseconds)
    {
        long round = ++_node.Round;
        _quiet.Started(timestamp);
        Counters.RoundsValue = round;
        _health.OnRoundStart(timestamp, _intervalTicks, backlog);
        _node.Self.Heartbeat++;
        _node.Self.HeartbeatRound = round;

        _joiner.Step(round);
        _prober.Step(round);
        _spread.GossipStep();
        _broadcasts.Step(round);
        _aggregation.Step();
        _members.Reap(round);
        _data.CollectTombstones(64, lagMilliseconds);
        _exchange.Reconnect(round);
        _members.Publish(endOfRound: true);
    }

    /// <summary>
    /// The receive path: frame check (magic, version, cluster, checksum or AES-GCM), a full validation of every section
    /// before anything is applied (a frame bad anywhere changes nothing), then dispatch section by section.
    /// </summary>
    internal void HandleFrame(WireAddress source, Span<byte> frame, bool viaStream)
    {
        if (_node.Stopped)
        {
            return;
        }

        RunQuietRoundsBeforeInput();
        if (!_intake.TryOpen(source, viaStream, frame, out FrameHeader header, out ReadOnlySpan<byte> body, out Member? sender))
        {
            return;
        }

        WireAddress replyTo = viaStream ? sender?.Address ?? default : source;

        // No amplification (GossipOptions.NonMemberGuard): in plaintext, a datagram from an address that is not a live
        // member's gets answers no larger than itself, rate-limited, never over a stream we would open. Decided before
        // the frame's own news is applied, so a frame cannot vouch for itself. A stream frame's source is proven by
        // TCP's handshake, and its answers go back on that stream, to the requester alone. With a key, a datagram that
        // authenticated is a key holder's, answered as a member's, unless it was sealed for any receiver (a join to a
        // seed whose id the sender did not know): such a frame may have been captured on its way to another node, so it
        // is answered as a stranger's (GossipOptions.NonMemberGuard) and relays no ping-req.
        bool guarded = _node.Options.NonMemberGuard;
        bool keyed = _codec.Encrypted;
        bool bound = keyed && (header.Flags & FrameFlags.AnyReceiver) == 0;
        bool verified = viaStream || (sender is { IsLive: true } && sender.Address == source);
        if (guarded && !bound && !verified)
        {
            _frames.GuardReplies(source, frame.Length);
        }

        if (viaStream)
        {
            // Large answers to this frame go back on the stream it came on; an answer to a datagram is datagrams only.
            _frames.AnswerOnStream(source, replyTo);
        }

        var relay = new PingReqTrust(VerifiedRequester: verified || !guarded, Trusted: bound || !guarded);
        Dispatch(new SectionReader(header.Type, body, _node.Limits), header, sender, FrameOrigin.Of(header, source, viaStream, replyTo, sender, keyed: _node.Options.Keys is not null), relay);
        _frames.EndGuard();
        _prober.OnFrameFrom(sender, header);
        _spread.FlushEager();
        _broadcasts.FlushPull();
        _members.Publish(endOfRound: false);
        NoteWorkRound();
    }

    /// <summary>Hands each section of a validated frame to the component that owns its message type.</summary>
    private void Dispatch(SectionReader sections, in FrameHeader header, Member? sender, in FrameOrigin origin, PingReqTrust relay)
    {
        WireAddress replyTo = origin.ReplyTo;
        MerkleRange range = default;
        MerkleRange rest = default;
        while (sections.TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done) == WireStatus.Ok && !done)
        {
            var reader = new GossipReader(payload);
            switch (type)
            {
                case MessageType.Ping:
                    _ = Ping.TryRead(ref reader, out Ping ping);
                    _prober.OnPing(ping, header, sender, replyTo);
                    break;
                case MessageType.Ack:
                    _ = Ack.TryRead(ref reader, out Ack ack);
                    if (!_prober.OnAck(ack, header, sender))
                    {
                        _exchange.OnPeerTableHash(ack.TableHash, sender?.Address ?? replyTo, header.Sender);
                    }

                    _broadcasts.OnPeerSummary(ack.FrontierHash, sender);
                    _repair.OnPeerRoot(ack.DataRoot, sender);

                    break;
                case MessageType.RelayedAck:
                    _ = RelayedAck.TryRead(ref reader, out RelayedAck relayed);
                    _prober.OnRelayedAck(relayed);
                    break;
                case MessageType.Nack:
                    _ = Nack.TryRead(ref reader, out Nack nack);
                    _prober.OnNack(nack, sender);
                    break;
                case MessageType.PingReq:
                    _ = PingReq.TryRead(ref reader, out PingReq request);
                    _prober.OnPingReq(request, replyTo, header.Sender, relay.VerifiedRequester, relay.Trusted);
                    break;
                case MessageType.Membership:
                    _rules.OnMembership(ref reader, origin);
                    break;
                case MessageType.Rumors:
                    _spread.OnRumors(ref reader);
                    break;
                case MessageType.RumorPull:
                    _ = RumorPull.TryRead(ref reader, out RumorPull pull);
                    _spread.OnRumorPull(pull, replyTo, header.Sender);
                    break;
                case MessageType.BroadcastFrontier:
                    _broadcasts.OnFrontier(ref reader, sender, replyTo);
                    break;
                case MessageType.BroadcastRepairs:
                    _broadcasts.OnRepairs(ref reader, sender);
                    break;
                case MessageType.MerkleRanges:
                    // A SYN's ranges: its digest's, then the rest of the table; an ACK's: where to sweep on.
                    DigestExchange.ReadRanges(ref reader, _node.Limits, out range, out rest);
                    break;
                case MessageType.DigestSyn:
                    _exchange.OnSyn(origin, range, rest, payload);
                    break;
                case MessageType.DigestAck:
                    _exchange.OnAck(origin, range, payload);
                    break;
                case MessageType.DigestAck2:
                    _exchange.OnAck2(payload, origin);
                    break;
                case MessageType.DataEntries:
                    _repair.OnEntries(payload, sender);
                    break;
                case MessageType.DataTreeLevel:
                    _repair.OnTreeLevel(payload, sender);
                    break;
                case MessageType.Aggregation:
                    _ = AggregateShare.TryRead(ref reader, out AggregateShare share);
                    _aggregation.Receive(share);
                    break;
            }
        }
    }

    /// <summary>Replicated-map versions still spreading as rumors (owner thread).</summary>
    internal int HotDataVersionsForTest => _spread.HotDataVersions;

    /// <summary>The replicated map (tests and LoadGen; owner thread for anything beyond its thread-safe reads).</summary>
    internal ReplicatedMap Data => _data;

    /// <summary>True when this node has seen the rumor (for tests and LoadGen; owner thread only in multi-threaded mode).</summary>
    internal bool HasSeen(RumorId id) => _spread.HasSeen(id);

    /// <summary>Adds a member directly, as if learned by gossip, without spreading the news (simulation bootstrap of large clusters).</summary>
    internal bool SeedMember(NodeId id, uint generation, WireAddress address) =>
        id != Id && !_members.TryGet(id, out _) && _members.Add(id, generation, 0, address) is not null;

    /// <summary>Suspects a member as if a probe had failed (tests of refutation).</summary>
    internal void InjectSuspicion(NodeId member) => _prober.InjectSuspicion(member);

    /// <summary>Sends one anti-entropy SYN now (benchmarks).</summary>
    internal void StartSyncForBenchmark(WireAddress destination, NodeId receiver = default) => _exchange.SendSyncRequest(destination, receiver);

    /// <summary>Publishes the member snapshot after direct seeding (owner thread).</summary>
    internal void PublishMembers() => _members.Publish(endOfRound: true);

    /// <summary>
    /// Screens a frame by its header before it is buffered or copied (a stream frame before the transport reads its
    /// body, a frame before the busy mailbox queues it): the checks the intake makes first (size, magic, version, type,
    /// flags, cluster), whether the frame is encrypted as this node requires, and our own id as sender. Pure reads and
    /// counters, so safe off the executor. A refused frame is counted.
    /// </summary>
    internal bool AcceptsHeader(ReadOnlySpan<byte> head, int frameLength)
    {
        WireStatus status;
        FrameHeader header = default;
        if (frameLength > _node.Limits.MaxFrameBytes)
        {
            status = WireStatus.LimitExceeded;
        }
        else if (frameLength < FrameHeader.Size || head.Length < FrameHeader.Size)
        {
            status = WireStatus.Truncated;
        }
        else
        {
            status = _codec.ReadHeader(head[..FrameHeader.Size], out header, out _);
        }

        if (status == WireStatus.Ok && ((header.Flags & FrameFlags.Encrypted) != 0) != _codec.Encrypted)
        {
            status = WireStatus.AuthenticationFailed;
        }

        if (status == WireStatus.Ok && header.Sender == _node.Id)
        {
            status = WireStatus.Malformed;
        }

        if (status != WireStatus.Ok)
        {
            Counters.Drop(status);
            return false;
        }

        return true;
    }

    private sealed class FrameReceiver(GossipNode node) : IFrameReceiver
    {
        public void OnFrame(WireAddress source, Span<byte> frame, bool viaStream) => node.OnFrame(source, frame, viaStream);

        public bool AcceptsStreamFrame(WireAddress source, ReadOnlySpan<byte> head, int frameLength) => node.AcceptsHeader(head, frameLength);
    }

    /// <summary>What a ping-req in this frame may ask (see <see cref="Prober.OnPingReq"/>).</summary>
    private readonly record struct PingReqTrust(bool VerifiedRequester, bool Trusted);
}
