using System.Security.Cryptography;
using System.Threading.Channels;
using Gossip.Engine.Aggregation;
using Gossip.Engine.Dissemination;
using Gossip.Engine.FailureDetection;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Engine.Transport;
using Gossip.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gossip.Engine;

/// <summary>
/// One gossip node: membership, failure detection, rumor mongering, anti-entropy and aggregation over an
/// <see cref="ITransport"/>. Safe to call from any thread: frames, rounds and API calls are serialized through
/// the node's lock-free mailbox (or, in simulation, by the single caller), so its state has one owner at a time.
/// </summary>
public sealed partial class GossipNode : IFrameReceiver, IDisposable
{
    private static readonly Channel<GossipEvent> NoEvents = CreateNoEvents();

    private readonly GossipOptions _options;
    private readonly ITransport _transport;
    private readonly FrameCodec _codec;
    private readonly WireLimits _limits;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly ILogger _logger;
    private readonly bool _singleThreaded;
    private readonly RoundScheduler? _scheduler;
    private readonly NodeMailbox? _mailbox;
    private readonly Channel<GossipEvent> _events;

    private readonly Member _self;
    private readonly MemberTable _table;
    private readonly PeerSelector _gossipPeers;
    private readonly PeerSelector _probePeers;
    private readonly RumorBuffer _rumors;
    private readonly EventQueue _membershipEvents;
    private readonly PushSumAggregator _aggregator = new();
    private readonly RelayTable _relays = new(64);
    private readonly ForwardedNotices _forwardedNotices = new(256);
    private readonly LocalHealth _health;
    private readonly List<Member> _suspects = [];
    private readonly List<Member> _down = [];
    private readonly Member?[] _peers;
    private readonly byte[] _sendBuffer;
    private readonly List<WireAddress> _seeds = [];

    // Application threads read member state through this map; the owner adds and removes members (rare events).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<NodeId, Member> _membersById = new();

    private IDisposable? _schedule;
    private IDisposable? _metrics;
    private byte[]? _largeBuffer;
    private long _round;
    private uint _probeSequence;
    private readonly PendingProbe[] _probes = new PendingProbe[5];
    private long _nextProbeRound;
    private long _lastSyncRound = long.MinValue / 2;
    private ulong _syncFrom;
    private int _rumorSequence;
    private bool _started;
    private bool _stopped;
    private bool _eagerPending;
    private bool _eagerUnlimited;
    private long _eventPushRound = -1;
    private volatile MemberSnapshot[] _published = [];
    private volatile int _publishedLiveCount;
    private long _publishedRound = -1;
    private AggregateEstimate _publishedAggregate;

    /// <summary>Creates a node; nothing is sent until <see cref="Start"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public GossipNode(GossipOptions options, ITransport transport, GossipNodeServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.Validate();
        services ??= new GossipNodeServices();
        _options = options;
        _transport = transport;
        _time = services.Time;
        _random = services.Random ?? new SeededRandom((ulong)RandomNumberGenerator.GetInt32(int.MaxValue) << 32 | (uint)RandomNumberGenerator.GetInt32(int.MaxValue));
        _logger = services.Logger ?? NullLogger.Instance;
        _singleThreaded = services.SingleThreaded;
        _limits = options.Limits ?? WireLimits.Datagram with { MaxFrameBytes = Math.Max(options.MaxDatagramBytes, transport.MaxLargeFrameBytes) };
        _codec = new FrameCodec(options.ClusterId, options.Keys, _limits);

        Id = options.NodeId.IsNone ? new NodeId(_random.NextUInt64() | 1) : options.NodeId;
        Generation = options.Generation != 0 ? options.Generation : (uint)Math.Max(1, _time.GetUtcNow().ToUnixTimeSeconds());

        _self = new Member(Id, Generation, transport.LocalAddress) { Status = MemberStatus.Alive };
        _table = new MemberTable(options.MaxMembers);
        _table.TryAdd(_self);
        _membersById[Id] = _self;
        _keyScratch = new byte[_limits.MaxKeyBytes];
        _gossipPeers = new PeerSelector(_table, _self, _random);
        _probePeers = new PeerSelector(_table, _self, _random);
        _health = new LocalHealth(options.MaxLocalHealthScore);
        _rumors = new RumorBuffer(options.MaxRumors);
        _membershipEvents = new EventQueue(Math.Max(64, options.MaxRumors));
        _peers = new Member?[Math.Max(Math.Max(2 * options.Fanout, options.EagerPushFanout), options.IndirectProbes + 1)];
        _sendBuffer = new byte[Math.Min(options.MaxDatagramBytes, transport.MaxDatagramBytes)];
        _events = options.EventCapacity == 0
            ? NoEvents
            : Channel.CreateBounded<GossipEvent>(
                new BoundedChannelOptions(options.EventCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true },
                _ => Interlocked.Increment(ref Counters.EventsDroppedValue));
        if (!_singleThreaded)
        {
            _mailbox = new NodeMailbox(this, options.MaxMailboxFrames);
            _scheduler = services.Scheduler ?? RoundScheduler.Shared;
        }

        _published = _table.Snapshot();
        _publishedLiveCount = _table.LiveCount;
    }

    /// <summary>This node's id.</summary>
    public NodeId Id { get; }

    /// <summary>This process's generation: a restarted node takes a higher one and so supersedes its old self.</summary>
    public uint Generation { get; }

    /// <summary>The address peers reach this node at.</summary>
    public WireAddress Address => _transport.LocalAddress;

    /// <summary>The options the node runs with.</summary>
    public GossipOptions Options => _options;

    /// <summary>Protocol counters.</summary>
    public NodeCounters Counters { get; } = new();

    /// <summary>The transport's byte and datagram counters.</summary>
    public TransportCounters TransportCounters => _transport.Counters;

    /// <summary>
    /// Lifeguard's local health score: 0 when this node's probes are answered in time, rising (to
    /// <see cref="GossipOptions.MaxLocalHealthScore"/>) while its probes fail and peers suspect it, which stretches its
    /// probe interval and timeout by (score + 1). A score that stays high means this node, not its peers, is slow.
    /// </summary>
    public int LocalHealthScore => _health.Score;

    /// <summary>Rounds run so far.</summary>
    public long Round => Volatile.Read(ref _round);

    /// <summary>Alive or suspect members known, this node included: the live members of <see cref="Members"/>.</summary>
    public int LiveMemberCount => _publishedLiveCount;

    /// <summary>
    /// Every member known (dead ones until reaped). Republished after a change at most once per round from the receive
    /// path and always at the end of a round, so it lags the node's own table by at most one gossip interval.
    /// </summary>
    public IReadOnlyList<MemberSnapshot> Members => _published;

    /// <summary>The aggregate estimate of the last completed epoch.</summary>
    public AggregateEstimate Aggregate => _publishedAggregate;

    /// <summary>Change notifications; when the application does not drain them the oldest are dropped (counted in <see cref="NodeCounters.EventsDropped"/>).</summary>
    public ChannelReader<GossipEvent> Events => _events.Reader;

    /// <summary>Starts receiving and (unless single-threaded) schedules rounds. Idempotent.</summary>
    public void Start()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _nextProbeRound = 1 + _random.Next(_options.ProbeEveryRounds);
        _transport.Start(this);
        if (_scheduler is not null)
        {
            _schedule = _scheduler.Register(_mailbox!, _options.GossipInterval, _time, _random);
            _metrics = Diagnostics.GossipMetrics.Register(Id.ToString(), Counters, _transport.Counters, () => _published, () => _rumors.HotCount);
        }

        Log.Started(_logger, Id, Generation, Address);
    }

    /// <summary>Stops at once, without a goodbye (peers will detect the silence). Idempotent.</summary>
    public void Stop()
    {
        _stopped = true;
        _schedule?.Dispose();
        _schedule = null;
        _metrics?.Dispose();
        _metrics = null;
    }

    /// <summary>Announces a graceful departure to a few peers, then stops taking part.</summary>
    public void Leave() => Run(static node => node.LeaveCore());

    /// <summary>Contacts the seeds to join their cluster; repeats every few rounds until another member is known.</summary>
    public void Join(IEnumerable<WireAddress> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        List<WireAddress> copy = [.. seeds];
        Run(node =>
        {
            node._seeds.Clear();
            node._seeds.AddRange(copy);
            node.SendJoin();
        });
    }

    /// <summary>Sets a key of this node's application state; its version advances and the change spreads by anti-entropy.</summary>
    public void SetLocal(string key, ReadOnlySpan<byte> value)
    {
        ValidateKey(key, value.Length);
        byte[] copy = value.ToArray();
        Run(node => node.SetLocalCore(key, copy, deleted: false));
    }

    /// <summary>Removes a key of this node's application state (a tombstone spreads).</summary>
    public void RemoveLocal(string key)
    {
        ValidateKey(key, 0);
        Run(node => node.SetLocalCore(key, [], deleted: true));
    }

    /// <summary>Reads a member's application state as this node knows it; false when unknown or removed.</summary>
    public bool TryGetState(NodeId member, string key, out ReadOnlyMemory<byte> value)
    {
        ArgumentNullException.ThrowIfNull(key);
        value = default;
        if (!_membersById.TryGetValue(member, out Member? known) || known.StateOrNull is not { } state
            || !state.TryGetValue(key, out StateEntry? entry) || entry.Deleted)
        {
            return false;
        }

        value = entry.Value;
        return true;
    }

    /// <summary>Spreads a user rumor to the whole cluster; returns its id.</summary>
    public RumorId Broadcast(ReadOnlySpan<byte> payload)
    {
        if (payload.Length > _limits.MaxValueBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(payload), $"A rumor payload is at most {_limits.MaxValueBytes} bytes.");
        }

        var id = new RumorId(Id, (uint)Interlocked.Increment(ref _rumorSequence));
        byte[] copy = payload.ToArray();
        Run(node => node.BroadcastCore(id, copy));
        return id;
    }

    /// <summary>Publishes this node's numeric value for aggregation (avg, sum, min, max, count); the node takes part from the next round.</summary>
    public void PublishValue(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Aggregated values must be finite.");
        }

        Run(node => node._aggregator.Publish(value));
    }

    /// <summary>Runs one gossip round now. The scheduler calls this; a simulation calls it directly.</summary>
    public void Tick()
    {
        if (_mailbox is null)
        {
            RunRound();
        }
        else
        {
            _mailbox.Tick();
        }
    }

    /// <inheritdoc />
    public void OnFrame(WireAddress source, Span<byte> frame, bool viaStream)
    {
        if (_mailbox is null)
        {
            HandleFrame(source, frame, viaStream);
        }
        else if (!_mailbox.PostFrame(source, frame, viaStream))
        {
            Interlocked.Increment(ref Counters.LimitHitsValue);
            Counters.Drop(WireStatus.LimitExceeded);
        }
    }

    /// <summary>Stops the node and releases its transport.</summary>
    public void Dispose()
    {
        Stop();
        _transport.Dispose();
        _events.Writer.TryComplete();
    }

    /// <summary>True when this node has seen the rumor (for tests and LoadGen; owner thread only in multi-threaded mode).</summary>
    internal bool HasSeen(RumorId id) => _rumors.HasSeen(id);

    /// <summary>Adds a member directly, as if learned by gossip, without spreading the news (simulation bootstrap of large clusters).</summary>
    internal bool SeedMember(NodeId id, uint generation, WireAddress address)
    {
        if (id == Id || _table.TryGet(id, out _))
        {
            return false;
        }

        return AddMember(id, generation, 0, address) is not null;
    }

    /// <summary>Suspects a member as if a probe had failed (tests of refutation).</summary>
    internal void InjectSuspicion(NodeId member)
    {
        if (_table.TryGet(member, out Member? target) && target.Status == MemberStatus.Alive)
        {
            SuspectLocally(target);
            FlushEager();
            PublishViews();
        }
    }

    /// <summary>Sends one anti-entropy SYN now (benchmarks).</summary>
    internal void StartSyncForBenchmark(WireAddress destination) => SendSyncRequest(destination);

    /// <summary>Publishes the member snapshot after direct seeding (owner thread).</summary>
    internal void PublishMembers() => PublishViews();

    /// <summary>Members known, owner thread (no snapshot).</summary>
    internal int KnownMembers => _table.Count;

    /// <summary>The current member-table hash (owner thread).</summary>
    internal ulong TableHash => _table.Hash;

    private void Run(Action<GossipNode> action)
    {
        if (_mailbox is null)
        {
            action(this);
        }
        else
        {
            _mailbox.PostCommand(action);
        }
    }

    private void ValidateKey(string key, int valueLength)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (System.Text.Encoding.UTF8.GetByteCount(key) > _limits.MaxKeyBytes || valueLength > _limits.MaxValueBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(key), $"Keys are at most {_limits.MaxKeyBytes} UTF-8 bytes and values at most {_limits.MaxValueBytes} bytes.");
        }
    }

    private void Notify(GossipEventKind kind, NodeId member, string? key = null, RumorId rumor = default, ReadOnlyMemory<byte> payload = default)
    {
        if (kind is not (GossipEventKind.StateChanged or GossipEventKind.RumorReceived))
        {
            Log.MemberChanged(_logger, member, kind);
        }

        if (_options.EventCapacity > 0)
        {
            _events.Writer.TryWrite(new GossipEvent(kind, member, _time.GetTimestamp(), key, rumor, payload));
        }
    }

    private static Channel<GossipEvent> CreateNoEvents()
    {
        Channel<GossipEvent> channel = Channel.CreateBounded<GossipEvent>(1);
        channel.Writer.TryComplete();
        return channel;
    }
}
