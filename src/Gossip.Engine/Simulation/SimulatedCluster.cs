using Gossip.Wire;

namespace Gossip.Engine.Simulation;

/// <summary>
/// Runs many <see cref="GossipNode"/>s on one <see cref="SimulatedNetwork"/> in lock-step rounds of virtual time:
/// every live node ticks at the start of a round, then the network delivers everything sent before the next one.
/// The same seed gives the same nodes, the same choices and the same trace, bit for bit.
/// </summary>
public sealed class SimulatedCluster : IDisposable
{
    private readonly SimulatedClusterOptions _options;
    private readonly SeededRandom _random;
    private readonly List<GossipNode> _nodes = [];
    private readonly List<bool> _live = [];
    private readonly List<bool> _paused = [];
    private readonly List<HostClock> _clocks = [];

    /// <summary>Builds the cluster; members know each other according to <see cref="SimulatedClusterOptions.Bootstrap"/>.</summary>
    public SimulatedCluster(SimulatedClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _random = new SeededRandom(options.Seed);
        Network = new SimulatedNetwork(_random.NextSeed(), options.Network);
        Interval = NewOptions(NodeId.None, 1).GossipInterval;
        for (int i = 0; i < options.Nodes; i++)
        {
            AddNode();
        }

        Bootstrap();
        foreach (GossipNode node in _nodes)
        {
            node.PublishMembers();
        }
    }

    /// <summary>The network the nodes talk over (loss, delay, partitions are set here).</summary>
    public SimulatedNetwork Network { get; }

    /// <summary>The nodes, by index; a crashed node stays in the list (stopped) until restarted.</summary>
    public IReadOnlyList<GossipNode> Nodes => _nodes;

    /// <summary>Rounds run so far.</summary>
    public int Round { get; private set; }

    /// <summary>The gossip interval, one round of virtual time.</summary>
    public TimeSpan Interval { get; }

    /// <summary>True when node <paramref name="index"/> is running.</summary>
    public bool IsLive(int index) => _live[index];

    /// <summary>True when node <paramref name="index"/> is paused (see <see cref="Pause"/>).</summary>
    public bool IsPaused(int index) => _paused[index];

    /// <summary>Live nodes.</summary>
    public int LiveCount
    {
        get
        {
            int count = 0;
            foreach (bool live in _live)
            {
                count += live ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>Runs one round: every live node ticks, then the network runs until the next round starts.</summary>
    public void RunRound()
    {
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (_live[i] && !_paused[i] && !Sleeping(_nodes[i]))
            {
                _nodes[i].Tick();
            }
        }

        Round++;
        Network.RunUntil(Interval * Round);
    }

    /// <summary>Rounds nodes slept through so far (<see cref="SimulatedClusterOptions.SleepQuietRounds"/>).</summary>
    internal long RoundsSlept
    {
        get
        {
            long slept = 0;
            foreach (GossipNode node in _nodes)
            {
                slept += node.Counters.RoundsSlept;
            }

            return slept;
        }
    }

    /// <summary>Slept rounds that did work: 0 unless the quiet-round reckoning is wrong.</summary>
    internal long SleptRoundsThatWorked
    {
        get
        {
            long worked = 0;
            foreach (GossipNode node in _nodes)
            {
                worked += node.SleptRoundsThatWorked;
            }

            return worked;
        }
    }

    /// <summary>Runs <paramref name="rounds"/> rounds.</summary>
    public void RunRounds(int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            RunRound();
        }
    }

    /// <summary>Runs rounds until <paramref name="done"/> holds (checked before each round); returns the rounds run, or -1 when <paramref name="maxRounds"/> passed first.</summary>
    public int RunUntil(Func<SimulatedCluster, bool> done, int maxRounds)
    {
        ArgumentNullException.ThrowIfNull(done);
        for (int rounds = 0; rounds <= maxRounds; rounds++)
        {
            if (done(this))
            {
                return rounds;
            }

            if (rounds < maxRounds)
            {
                RunRound();
            }
        }

        return -1;
    }

    /// <summary>True when every live node has seen the rumor.</summary>
    public bool AllLiveHave(RumorId rumor)
    {
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (_live[i] && !_nodes[i].HasSeen(rumor) && _nodes[i].Id != rumor.Origin)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Live nodes that have seen the rumor (the originator included).</summary>
    public int CountHaving(RumorId rumor)
    {
        int count = 0;
        for (int i = 0; i < _nodes.Count; i++)
        {
            count += _live[i] && (_nodes[i].HasSeen(rumor) || _nodes[i].Id == rumor.Origin) ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// Freezes node <paramref name="index"/> as a stop-the-world pause would (a long GC, a suspended VM): it stops
    /// ticking and frames for it wait in its receive buffer until <see cref="Resume"/>. Its peers see silence.
    /// </summary>
    public void Pause(int index)
    {
        _paused[index] = true;
        Network.Pause(_nodes[index].Address);
    }

    /// <summary>Ends a pause: the node handles what its receive buffer held, then ticks again from the next round.</summary>
    public void Resume(int index)
    {
        _paused[index] = false;
        Network.Resume(_nodes[index].Address);
    }

    /// <summary>
    /// Steps the wall clock of node <paramref name="index"/>'s host by <paramref name="step"/> (either way), as NTP or
    /// an operator does; monotonic time is unaffected. The step outlives restarts of the node (it is the host's clock).
    /// </summary>
    public void StepClock(int index, TimeSpan step) => _clocks[index].Offset += step;

    /// <summary>Crashes node <paramref name="index"/>: no goodbye, its address goes silent.</summary>
    public void Crash(int index)
    {
        _paused[index] = false;
        _live[index] = false;
        _nodes[index].Stop();
        Network.Disconnect(_nodes[index].Address);
    }

    /// <summary>Restarts a crashed node with the same id and address and a higher generation; it joins through a live node.</summary>
    public GossipNode Restart(int index)
    {
        GossipNode old = _nodes[index];
        Network.Reconnect(old.Address);
        SimulatedTransport transport = Network.CreateTransport(old.Address);
        var node = new GossipNode(NewOptions(old.Id, old.Generation + 1), transport, Services(_clocks[index]));
        node.Quiet.Enabled = _options.SleepQuietRounds;
        node.Start();
        _nodes[index] = node;
        _live[index] = true;
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (i != index && _live[i])
            {
                node.Join([_nodes[i].Address]);
                break;
            }
        }

        return node;
    }

    /// <summary>Adds a node that joins through <paramref name="seed"/> (an existing node's index).</summary>
    public GossipNode AddJoiningNode(int seed) => AddJoiningNode([seed]);

    /// <summary>Adds a node whose seed list is the nodes at <paramref name="seeds"/> (existing nodes' indexes), as a deployment lists several.</summary>
    public GossipNode AddJoiningNode(IReadOnlyList<int> seeds)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var addresses = new List<WireAddress>(seeds.Count);
        foreach (int seed in seeds)
        {
            addresses.Add(_nodes[seed].Address);
        }

        GossipNode node = AddNode();
        node.Join(addresses);
        return node;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (GossipNode node in _nodes)
        {
            node.Dispose();
        }
    }

    /// <summary>True when the node's next round is quiet, so a scheduler would let it sleep (the tick is now).</summary>
    private bool Sleeping(GossipNode node)
    {
        long wake = node.Quiet.WakeTimestamp;
        return wake != 0 && wake - (Interval.Ticks * Network.Clock.TimestampFrequency / TimeSpan.TicksPerSecond / 2) > Network.Clock.GetTimestamp();
    }

    private GossipNode AddNode()
    {
        SimulatedTransport transport = Network.CreateTransport();
        var id = new NodeId(_random.NextUInt64() | 1);
        var clock = new HostClock(Network.Clock);
        var node = new GossipNode(NewOptions(id, 1), transport, Services(clock));
        node.Quiet.Enabled = _options.SleepQuietRounds;
        node.Start();
        _clocks.Add(clock);
        _nodes.Add(node);
        _live.Add(true);
        _paused.Add(false);
        return node;
    }

    private GossipNodeServices Services(HostClock clock) => new()
    {
        SingleThreaded = true,
        Time = clock,
        Random = new SeededRandom(_random.NextSeed()),
        Mutations = _options.Mutations,
    };

    private GossipOptions NewOptions(NodeId id, uint generation)
    {
        // The simulation measures the protocol, not the cipher: plain frames, chosen explicitly (Configure may set keys),
        // and no guard against non-members, whose rules would refuse what partial views need (members answering members
        // they do not hold); the guard is tested on its own and on real sockets.
        var options = new GossipOptions { NodeId = id, Generation = generation, EventCapacity = 0, AllowPlaintext = true, NonMemberGuard = false };
        _options.Configure?.Invoke(options);
        options.NodeId = id;
        options.Generation = generation;
        return options;
    }

    private void Bootstrap()
    {
        int n = _nodes.Count;
        switch (_options.Bootstrap)
        {
            case ClusterBootstrap.FullMembership:
                foreach (GossipNode node in _nodes)
                {
                    foreach (GossipNode other in _nodes)
                    {
                        node.SeedMember(other.Id, other.Generation, other.Address);
                    }
                }

                break;
            case ClusterBootstrap.RandomViews:
                int view = Math.Min(_options.ViewSize, n - 1);
                foreach (GossipNode node in _nodes)
                {
                    while (node.KnownMembers <= view)
                    {
                        GossipNode other = _nodes[_random.Next(n)];
                        node.SeedMember(other.Id, other.Generation, other.Address);
                    }
                }

                break;
            case ClusterBootstrap.JoinThroughFirst:
                for (int i = 1; i < n; i++)
                {
                    _nodes[i].Join([_nodes[0].Address]);
                }

                break;
        }
    }
}
