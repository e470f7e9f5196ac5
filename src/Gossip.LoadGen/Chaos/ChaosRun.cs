using Gossip.Engine;
using Gossip.Engine.Runtime;
using Gossip.Engine.Simulation;
using Gossip.Wire;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// Runs one <see cref="ChaosSchedule"/> on the deterministic simulation and checks the invariants: during the fault
/// phase (no exception escapes, tables hold only real nodes, no false death once the network has been healthy for
/// <see cref="SettleRounds"/>), then a quiet period in which the cluster must converge within
/// <see cref="QuietBoundRounds"/> and stay converged for <see cref="StableRounds"/>. Live nodes broadcast every
/// <see cref="BroadcastEveryRounds"/> rounds of the fault phase: no process may deliver a broadcast twice, and once the
/// cluster has converged every broadcast whose origin process is still live must reach every live node (delivered or
/// reported in a gap event) within <see cref="BroadcastBoundRounds"/>.
/// </summary>
internal sealed class ChaosRun
{
    /// <summary>
    /// Rounds of a healthy network the cluster gets to converge once the faults stop. Healing the longest partition
    /// needs a reconnect attempt to reach the other side (one every 25 rounds, to a random former member) and then
    /// anti-entropy; suspicions started before the heal must run out and be refuted.
    /// </summary>
    public const int QuietBoundRounds = 400;

    /// <summary>Rounds the views and state must keep agreeing to count as converged.</summary>
    public const int StableRounds = 25;

    /// <summary>
    /// Rounds after the last severe fault (see <see cref="IsSevere"/>) or the subject's own start before a death
    /// declaration of a live node counts as a violation rather than a casualty of the fault: a suspicion started
    /// under the fault may still run out (LAN: 4 * log10(n) probe intervals of 5 rounds, plus confirmations).
    /// </summary>
    public const int SettleRounds = 100;

    /// <summary>Loss up to this rate is mild: suspicions must be refuted, never turn into deaths.</summary>
    public const double MildLoss = 0.30;

    /// <summary>A pause up to this long is mild (a long GC): it must cause no death declaration.</summary>
    public static readonly TimeSpan MildPause = TimeSpan.FromSeconds(1);

    /// <summary>Rounds between two broadcasts of the fault phase.</summary>
    public const int BroadcastEveryRounds = 15;

    /// <summary>Rounds after convergence within which every broadcast of a live origin must be everywhere.</summary>
    public const int BroadcastBoundRounds = 200;

    private const int BoundsEvery = 10;
    private const int LeaveExitRounds = 3;

    private readonly ChaosSchedule _schedule;
    private readonly ProtocolMutation _mutation;
    private readonly TextWriter? _log;
    private readonly StateModel _model = new();
    private readonly DataModel _data = new();
    private readonly List<long> _clockAheadSeconds = [];
    private readonly List<Violation> _violations = [];
    private readonly Dictionary<NodeId, int> _indexById = [];
    private readonly Dictionary<WireAddress, int> _indexByAddress = [];
    private readonly FrameDescriber? _frames;
    private readonly List<int> _startedRound = [];
    private readonly List<bool> _departed = [];
    private readonly ChaosKeys _keys;
    private readonly Random _broadcastRandom;
    private readonly List<RumorId> _broadcasts = [];
    private readonly HashSet<(int Node, uint Generation, RumorId Rumor)> _delivered = [];
    private SimulatedCluster _cluster = null!;
    private int _round;
    private int _rotationStart = -1;
    private int _rotationEnd = -1;
    private int _lastSevere;
    private long _nodeRounds;
    private long _checks;
    private long _falseDeaths;

    public ChaosRun(ChaosSchedule schedule, ProtocolMutation mutation = ProtocolMutation.None, TextWriter? log = null)
    {
        _schedule = schedule;
        _mutation = mutation;
        _log = log;
        _keys = new ChaosKeys(schedule.Seed);

        // Its own stream, so who broadcasts does not move any draw of the schedule.
        _broadcastRandom = new Random((int)(schedule.Seed ^ 0x5EED_B0AD));
        _frames = log is null ? null : new FrameDescriber(Name);
    }

    public ChaosOutcome Run()
    {
        var network = new SimulatedNetworkOptions
        {
            LossRate = _schedule.BaseLoss,
            DuplicateRate = _schedule.BaseDuplication,
            MaxDelay = TimeSpan.FromMilliseconds(_schedule.MaxDelayMs),
        };
        using var cluster = new SimulatedCluster(new SimulatedClusterOptions
        {
            Nodes = _schedule.Nodes,
            Seed = _schedule.Seed,
            Network = network,
            Mutations = _mutation,
            SleepQuietRounds = _schedule.SleepQuietRounds,
            Configure = Configure,
        });
        _cluster = cluster;
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            Track(i);
        }

        Log($"{_schedule.Describe()}");
        if (_frames is not null)
        {
            _frames.Keys = _schedule.Encrypted ? _keys.AllKeys() : null;
            cluster.Network.Observer = ObserveFrame;
        }

        int convergedAfter = -1;
        if (RunFaultPhase())
        {
            convergedAfter = RunQuietPhase();
            if (convergedAfter >= 0)
            {
                CheckBroadcasts();
            }
        }

        long suspicions = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            suspicions += node.Counters.Suspicions;
        }

        Log($"end: trace {cluster.Network.TraceHash:x16}, {_violations.Count} violations");
        return new ChaosOutcome
        {
            Seed = _schedule.Seed,
            TraceHash = cluster.Network.TraceHash,
            Rounds = _round,
            NodeRounds = _nodeRounds,
            Checks = _checks,
            ConvergedAfterRounds = convergedAfter,
            FalseDeathsUnderFaults = _falseDeaths,
            Suspicions = suspicions,
            Violations = _violations,
        };
    }

    private void Configure(GossipOptions options)
    {
        ChaosPresets.Apply(_schedule.Preset, options);
        options.EventCapacity = 4_096;
        if (_schedule.Encrypted)
        {
            options.Keys = _keys.NewRing();
        }
    }

    private bool RunFaultPhase()
    {
        int end = _schedule.FaultRounds;
        for (int r = 0; r < end; r++)
        {
            foreach (ChaosFault fault in _schedule.Faults)
            {
                Apply(fault, r);
            }

            ShapeNetwork(r);
            if (r % BroadcastEveryRounds == 0)
            {
                BroadcastFromSomeone(r);
            }

            if (!Step())
            {
                return false;
            }
        }

        return true;
    }

    private int RunQuietPhase()
    {
        SimulatedNetworkOptions network = _cluster.Network.Options;
        network.LossRate = 0;
        network.DuplicateRate = 0;
        network.MaxDelay = TimeSpan.FromMilliseconds(_schedule.MaxDelayMs);
        _cluster.Network.HealPartitions();
        _cluster.Network.RestoreLinks();
        for (int i = 0; i < _cluster.Nodes.Count; i++)
        {
            if (_cluster.IsPaused(i))
            {
                _cluster.Resume(i);
            }

            if (_departed[i] && _cluster.IsLive(i))
            {
                _cluster.Crash(i); // a leaver whose process had not exited yet
            }
        }

        _keys.End();
        _lastSevere = _round;
        Log("quiet: faults stop, network healthy");
        LogKeys();
        // Converged means the views and state agree in every one of StableRounds consecutive rounds (a suspicion
        // started under the last fault may still surface and be refuted early in the quiet period), and that stretch
        // must begin within the bound.
        int since = -1;
        for (int q = 0; q <= QuietBoundRounds + StableRounds; q++)
        {
            string? problem = Discrepancy(out string invariant);
            if (problem is not null)
            {
                if (since >= 0)
                {
                    Log($"not converged any more: {problem}");
                }

                since = -1;
                if (q >= QuietBoundRounds)
                {
                    return Fail(invariant, problem);
                }
            }
            else if (since < 0)
            {
                since = q;
                Log($"views and state agree after {q} quiet rounds");
            }

            if (since >= 0 && q - since >= StableRounds)
            {
                return since;
            }

            if (!Step())
            {
                return -1;
            }
        }

        return since;
    }

    private void BroadcastFromSomeone(int r)
    {
        int n = _cluster.Nodes.Count;
        int start = _broadcastRandom.Next(n);
        for (int k = 0; k < n; k++)
        {
            int i = (start + k) % n;
            if (_cluster.IsLive(i) && !_cluster.IsPaused(i) && !_departed[i])
            {
                RumorId id = _cluster.Nodes[i].Broadcast(BitConverter.GetBytes(r));
                _broadcasts.Add(id);
                Log($"n{i} broadcasts {id.Sequence} (generation {id.Generation})");
                return;
            }
        }
    }

    /// <summary>After convergence: every broadcast whose origin process is still live reaches every live node within the bound.</summary>
    private void CheckBroadcasts()
    {
        for (int q = 0; ; q++)
        {
            int missing = _broadcasts.FindIndex(id => OriginLive(id) && !_cluster.AllLiveHave(id));
            if (missing < 0)
            {
                return;
            }

            RumorId id = _broadcasts[missing];

            if (q >= BroadcastBoundRounds)
            {
                int lacking = _cluster.LiveCount - _cluster.CountHaving(id);
                Fail(Violation.BroadcastsDelivered, $"{lacking} live nodes lack broadcast {id.Sequence} of {Name(id.Origin)} (generation {id.Generation}) {BroadcastBoundRounds} rounds after convergence");
                return;
            }

            if (!Step())
            {
                return;
            }
        }
    }

    private bool OriginLive(RumorId id) =>
        _indexById.TryGetValue(id.Origin, out int i) && _cluster.IsLive(i) && !_departed[i] && _cluster.Nodes[i].Generation == id.Generation;

    private int Fail(string invariant, string detail)
    {
        _violations.Add(new Violation(invariant, _round, detail));
        Log($"VIOLATION {invariant}: {detail}");
        return -1;
    }

    /// <summary>One round: tick, deliver, then watch events and bounds. False when an exception escaped.</summary>
    private bool Step()
    {
        try
        {
            _cluster.RunRound();
        }
        catch (Exception e)
        {
            _violations.Add(new Violation(Violation.Exception, _round, e.GetType().Name + ": " + e.Message));
            Log($"VIOLATION exception: {e}");
            return false;
        }

        _round++;
        for (int i = 0; i < _cluster.Nodes.Count; i++)
        {
            _nodeRounds += _cluster.IsLive(i) && !_cluster.IsPaused(i) ? 1 : 0;
            DrainEvents(i);
        }

        if (_round % BoundsEvery == 0)
        {
            CheckBounds();
        }

        return _violations.Count == 0;
    }

    private void Apply(in ChaosFault fault, int r)
    {
        int n = _cluster.Nodes.Count;
        int node = n == 0 ? 0 : fault.Node % n;
        if (fault.Round == r)
        {
            Start(fault, node);
        }

        if (fault.Rounds > 0 && fault.Round + fault.Rounds == r)
        {
            Finish(fault, node);
        }

        if (fault.Kind == FaultKind.KeyRotation && fault.Round == _rotationStart && r <= _rotationEnd)
        {
            RotateKeys(fault, r);
        }

        if (fault.Kind == FaultKind.Leave && fault.Round + LeaveExitRounds == r && _departed[node] && _cluster.IsLive(node))
        {
            _cluster.Crash(node);
            Log($"n{node} exits after leaving");
        }
    }

    private void Start(in ChaosFault fault, int node)
    {
        bool usable = _cluster.IsLive(node) && !_cluster.IsPaused(node) && !_departed[node];
        switch (fault.Kind)
        {
            case FaultKind.Crash when usable && _cluster.LiveCount > 2:
                Log(fault.Describe(_schedule.Interval));
                _cluster.Crash(node);
                _model.Restarted(_cluster.Nodes[node].Id);
                _data.ProcessEnded(node);
                _departed[node] = fault.Rounds < 0;
                if (fault.Rounds == 0)
                {
                    Restart(node);
                }

                _lastSevere = _round;
                break;
            case FaultKind.Pause when usable && _cluster.LiveCount > 2:
                Log(fault.Describe(_schedule.Interval));
                _cluster.Pause(node);
                break;
            case FaultKind.ClockStep when usable:
                Log(fault.Describe(_schedule.Interval));
                _cluster.StepClock(node, TimeSpan.FromSeconds(fault.Value));
                _clockAheadSeconds[node] += fault.Value;
                break;
            case FaultKind.Join when usable && _cluster.Nodes.Count < ScheduleDrawer.MaxNodes + 8:
                List<int> seeds = Seeds(node);
                GossipNode joined = _cluster.AddJoiningNode(seeds);
                Track(_cluster.Nodes.Count - 1);
                Log($"round {fault.Round}: n{_cluster.Nodes.Count - 1} ({joined.Id}) joins with seeds n{string.Join(", n", seeds)}");
                break;
            case FaultKind.Leave when usable && _cluster.LiveCount > 2:
                Log(fault.Describe(_schedule.Interval));
                _cluster.Nodes[node].Leave();
                _departed[node] = true;
                _data.ProcessEnded(node);
                break;
            case FaultKind.Write when usable:
                string key = StateModel.Key(fault.Value);
                byte[] value = StateModel.Value(_round, node);
                _cluster.Nodes[node].SetLocal(key, value);
                _model.Write(_cluster.Nodes[node].Id, key, value);
                WriteData(node, fault.Value, value);
                break;
            case FaultKind.Remove when usable:
                _cluster.Nodes[node].RemoveLocal(StateModel.Key(fault.Value));
                _model.Remove(_cluster.Nodes[node].Id, StateModel.Key(fault.Value));
                WriteData(node, fault.Value, null);
                break;
            case FaultKind.KeyRotation when _schedule.Encrypted && _round > _rotationEnd:
                Log(fault.Describe(_schedule.Interval));
                _keys.Begin();
                if (_frames is not null)
                {
                    _frames.Keys = _keys.AllKeys();
                }

                _rotationStart = fault.Round;
                _rotationEnd = fault.Round + fault.Rounds;
                break;
            case FaultKind.LossBurst or FaultKind.Jitter or FaultKind.Partition or FaultKind.LinkCut:
                Log(fault.Describe(_schedule.Interval));
                break;
            default:
                if (fault.Kind is not (FaultKind.Write or FaultKind.Remove))
                {
                    Log($"skipped (not applicable now): {fault.Describe(_schedule.Interval)}");
                }

                break;
        }
    }

    /// <summary>
    /// The same write (or removal) in the replicated map, whose keys any node writes; only on a node whose host clock is
    /// near the true time (<see cref="ClockNear"/>).
    /// </summary>
    private void WriteData(int node, int key, byte[]? value)
    {
        GossipNode writer = _cluster.Nodes[node];
        if (!ClockNear(node))
        {
            return;
        }

        if (value is null)
        {
            writer.RemoveData(DataModel.Key(key));
        }
        else
        {
            writer.SetData(DataModel.Key(key), value);
        }

        _data.Record(writer, node, key, value);
    }

    /// <summary>
    /// True when node <paramref name="node"/>'s host clock was stepped, in all, less than a third of
    /// <see cref="GossipOptions.MaxClockSkew"/> either way. Map versions stamped further ahead of a receiver's clock than
    /// the skew are refused by design (a member with a wild clock must not pin keys for hours), so writes are made, and
    /// replicas checked, only on such nodes: any two of them, and the stamps their clocks lead to, stay within the skew.
    /// Nodes stepped further keep taking part; their replicas may lag by design and are not checked.
    /// </summary>
    private bool ClockNear(int node) => Math.Abs(_clockAheadSeconds[node]) < (long)_cluster.Nodes[node].Options.MaxClockSkew.TotalSeconds / 3;

    private void Finish(in ChaosFault fault, int node)
    {
        switch (fault.Kind)
        {
            case FaultKind.Pause when _cluster.IsPaused(node):
                _cluster.Resume(node);
                Log($"n{node} resumes");
                break;
            case FaultKind.Crash when !_cluster.IsLive(node) && !_departed[node]:
                Restart(node);
                break;
            case FaultKind.KeyRotation when fault.Round == _rotationStart:
                _keys.End();
                Log("key rotation done");
                break;
        }
    }

    /// <summary>The node and the next two live ones by index: a deployment lists several seeds, so one crash cannot strand a joiner.</summary>
    private List<int> Seeds(int first)
    {
        var seeds = new List<int> { first };
        int n = _cluster.Nodes.Count;
        for (int k = 1; k < n && seeds.Count < 3; k++)
        {
            int candidate = (first + k) % n;
            if (_cluster.IsLive(candidate) && !_departed[candidate])
            {
                seeds.Add(candidate);
            }
        }

        return seeds;
    }

    private void Restart(int node)
    {
        GossipNode restarted = _cluster.Restart(node);
        _startedRound[node] = _round;
        _model.Restarted(restarted.Id);
        Log($"n{node} restarts with generation {restarted.Generation}");
    }

    /// <summary>Node i does step k (add, switch, remove) in the k-th third of the rotation, at its own offset into it.</summary>
    private void RotateKeys(in ChaosFault fault, int r)
    {
        int third = Math.Max(1, fault.Rounds / 3);
        for (int i = 0; i < _cluster.Nodes.Count; i++)
        {
            int offset = i * 5 % third; // fixed per node: nodes join during a rotation, and none may miss its step
            for (int step = 0; step < 3; step++)
            {
                if (r == fault.Round + (step * third) + offset && _cluster.Nodes[i].Options.Keys is { } ring)
                {
                    _keys.Apply(ring, step);
                }
            }
        }

        if (r == fault.Round + third)
        {
            _keys.Switched();
        }
    }

    /// <summary>Sets loss, jitter, partition groups and cut links to what the faults active in round <paramref name="r"/> ask for.</summary>
    private void ShapeNetwork(int r)
    {
        SimulatedNetworkOptions network = _cluster.Network.Options;
        double loss = _schedule.BaseLoss, duplication = _schedule.BaseDuplication;
        int delay = _schedule.MaxDelayMs;
        ChaosFault? partition = null;
        bool severe = false;
        _cluster.Network.RestoreLinks();
        foreach (ChaosFault fault in _schedule.Faults)
        {
            bool active = r >= fault.Round && r < fault.Round + fault.Rounds;
            if (!active)
            {
                continue;
            }

            switch (fault.Kind)
            {
                case FaultKind.LossBurst:
                    loss = Math.Max(loss, fault.Rate);
                    severe |= IsSevere(fault);
                    break;
                case FaultKind.Jitter:
                    duplication = Math.Max(duplication, fault.Rate);
                    delay = Math.Max(delay, fault.Value);
                    severe |= IsSevere(fault);
                    break;
                case FaultKind.Partition:
                    partition = fault;
                    severe |= IsSevere(fault);
                    break;
                case FaultKind.LinkCut:
                    int n = _cluster.Nodes.Count;
                    _cluster.Network.CutLink(_cluster.Nodes[fault.Node % n].Address, _cluster.Nodes[fault.Value % n].Address);
                    severe |= IsSevere(fault);
                    break;
                case FaultKind.Pause or FaultKind.KeyRotation:
                    severe |= IsSevere(fault);
                    break;
            }
        }

        network.LossRate = loss;
        network.DuplicateRate = duplication;
        network.MaxDelay = TimeSpan.FromMilliseconds(delay);
        if (partition is { } split)
        {
            var groups = new SeededRandom((ulong)split.Node);
            for (int i = 0; i < _cluster.Nodes.Count; i++)
            {
                _cluster.Network.SetPartition(_cluster.Nodes[i].Address, groups.Next(split.Value));
            }
        }
        else
        {
            _cluster.Network.HealPartitions();
        }

        if (severe)
        {
            _lastSevere = _round;
        }
    }

    /// <summary>
    /// Faults under which a live node may be declared dead: partitions, cut links, jitter (delays beyond a probe
    /// timeout), loss above <see cref="MildLoss"/>, pauses longer than <see cref="MildPause"/>. Under the rest (mild
    /// loss, short pauses, key rotations, clock steps, joins, leaves, crashes of others) a death of a live node is a
    /// violation: Lifeguard's refutation and local health exist for exactly these.
    /// </summary>
    private bool IsSevere(in ChaosFault fault) => fault.Kind switch
    {
        FaultKind.LossBurst => fault.Rate > MildLoss,
        FaultKind.Pause => fault.Rounds * _schedule.Interval > MildPause,
        FaultKind.KeyRotation => false,
        _ => true,
    };

    private void DrainEvents(int observer)
    {
        GossipNode node = _cluster.Nodes[observer];
        while (node.Events.TryRead(out GossipEvent e))
        {
            if (e.Kind == GossipEventKind.RumorReceived && !_delivered.Add((observer, node.Generation, e.Rumor)))
            {
                _violations.Add(new Violation(Violation.ExactlyOnce, _round, $"n{observer} delivered broadcast {e.Rumor.Sequence} of {Name(e.Rumor.Origin)} (generation {e.Rumor.Generation}) twice"));
            }

            if (e.Kind is GossipEventKind.StateChanged or GossipEventKind.RumorReceived or GossipEventKind.BroadcastGap)
            {
                continue;
            }

            int subject = _indexById.TryGetValue(e.Member, out int s) ? s : -1;
            Log($"n{observer} {Verb(e.Kind)} n{subject}");
            if (e.Kind == GossipEventKind.MemberDead && subject >= 0 && IsFalseDeath(subject))
            {
                _falseDeaths++;
                if (_round - _lastSevere > SettleRounds && _round - _startedRound[subject] > SettleRounds)
                {
                    _violations.Add(new Violation(
                        Violation.NoFalseDeathWhenHealthy,
                        _round,
                        $"n{observer} declared live n{subject} dead {_round - _lastSevere} rounds after the last severe fault"));
                    NodeCounters c = _cluster.Nodes[subject].Counters;
                    Log($"VIOLATION false death: n{observer} declared n{subject} dead (n{subject}: {c.Rounds} rounds, {c.FramesReceived} frames in, {c.FramesSent} out, {c.Refutations} refutations, local health {_cluster.Nodes[subject].LocalHealthScore})");
                }
            }
        }
    }

    private bool IsFalseDeath(int subject) => _cluster.IsLive(subject) && !_cluster.IsPaused(subject) && !_departed[subject];

    private static string Verb(GossipEventKind kind) => kind switch
    {
        GossipEventKind.MemberJoined => "sees join of",
        GossipEventKind.MemberSuspect => "suspects",
        GossipEventKind.MemberAlive => "sees alive",
        GossipEventKind.MemberDead => "declares dead",
        GossipEventKind.MemberLeft => "sees leave of",
        _ => kind.ToString(),
    };

    /// <summary>Every live node's table holds only nodes this run created, and no more than ever existed.</summary>
    private void CheckBounds()
    {
        for (int i = 0; i < _cluster.Nodes.Count; i++)
        {
            if (!_cluster.IsLive(i))
            {
                continue;
            }

            _checks++;
            IReadOnlyList<MemberSnapshot> members = _cluster.Nodes[i].Members;
            if (members.Count > _indexById.Count)
            {
                _violations.Add(new Violation(Violation.Bounded, _round, $"n{i} holds {members.Count} members; only {_indexById.Count} ever existed"));
                return;
            }

            foreach (MemberSnapshot member in members)
            {
                if (!_indexById.ContainsKey(member.Id))
                {
                    _violations.Add(new Violation(Violation.Bounded, _round, $"n{i} holds member {member.Id}, which no node ever was"));
                    return;
                }
            }
        }
    }

    /// <summary>The first way the cluster is not converged, or null; <paramref name="invariant"/> names the rule it breaks.</summary>
    private string? Discrepancy(out string invariant)
    {
        invariant = Violation.Converged;
        IReadOnlyList<GossipNode> nodes = _cluster.Nodes;
        for (int o = 0; o < nodes.Count; o++)
        {
            if (!_cluster.IsLive(o))
            {
                continue;
            }

            _checks++;
            IReadOnlyList<MemberSnapshot> view = nodes[o].Members;
            for (int m = 0; m < nodes.Count; m++)
            {
                MemberSnapshot? seen = Find(view, nodes[m].Id);
                bool live = _cluster.IsLive(m);
                if (live && (seen is not { Status: MemberStatus.Alive } s || s.Generation != nodes[m].Generation))
                {
                    return $"n{o} sees live n{m} (generation {nodes[m].Generation}) as {Describe(seen)}";
                }

                if (!live && seen is { Status: MemberStatus.Alive } ghost && ghost.Generation == nodes[m].Generation)
                {
                    return $"n{o} sees n{m}, down for good, as alive";
                }
            }
        }

        invariant = Violation.StateAgrees;
        for (int o = 0; o < nodes.Count; o++)
        {
            for (int m = 0; m < nodes.Count && _cluster.IsLive(o); m++)
            {
                if (_cluster.IsLive(m) && _model.Disagreement(nodes[o], nodes[m].Id, Name) is { } disagreement)
                {
                    ulong held = Find(nodes[o].Members, nodes[m].Id)?.MaxVersion ?? 0;
                    ulong own = Find(nodes[m].Members, nodes[m].Id)?.MaxVersion ?? 0;
                    return $"{disagreement} (n{o} holds n{m} at max version {held}, n{m} is at {own})";
                }
            }
        }

        invariant = Violation.DataAgrees;
        int first = -1;
        for (int o = 0; o < nodes.Count; o++)
        {
            if (!_cluster.IsLive(o) || !ClockNear(o))
            {
                continue;
            }

            _checks++;
            if (first >= 0 && nodes[o].DataRootHash != nodes[first].DataRootHash)
            {
                return $"n{o}'s map root {nodes[o].DataRootHash:x16} differs from n{first}'s {nodes[first].DataRootHash:x16}";
            }

            first = first < 0 ? o : first;
            if (_data.Disagreement(nodes[o], $"n{o}", out bool returned) is { } wrong)
            {
                invariant = returned ? Violation.NoDeletedKeyReturns : Violation.DataAgrees;
                return wrong;
            }
        }

        return null;
    }

    private static MemberSnapshot? Find(IReadOnlyList<MemberSnapshot> view, NodeId id)
    {
        foreach (MemberSnapshot member in view)
        {
            if (member.Id == id)
            {
                return member;
            }
        }

        return null;
    }

    private static string Describe(MemberSnapshot? seen) =>
        seen is { } s ? $"{s.Status} (generation {s.Generation}, incarnation {s.Incarnation})" : "unknown";

    private string Name(NodeId id) => _indexById.TryGetValue(id, out int i) ? $"n{i}" : id.ToString();

    private void ObserveFrame(WireAddress source, WireAddress destination, ReadOnlySpan<byte> frame, SimulatedNetwork.Outcome outcome)
    {
        if (outcome is SimulatedNetwork.Outcome.Queued or SimulatedNetwork.Outcome.Held)
        {
            return; // logged when it is delivered, lost or dropped
        }

        int to = _indexByAddress.GetValueOrDefault(destination, -1);
        NodeId receiver = to >= 0 ? _cluster.Nodes[to].Id : NodeId.None;
        Log($"  n{_indexByAddress.GetValueOrDefault(source, -1)} -> n{to} {outcome} {frame.Length} B: {_frames!.Describe(frame, receiver)}");
    }

    private void Track(int index)
    {
        _indexById[_cluster.Nodes[index].Id] = index;
        _indexByAddress[_cluster.Nodes[index].Address] = index;
        while (_startedRound.Count <= index)
        {
            _startedRound.Add(_round);
            _departed.Add(false);
            _clockAheadSeconds.Add(0);
        }
    }

    private void LogKeys()
    {
        for (int i = 0; i < _cluster.Nodes.Count && _log is not null; i++)
        {
            if (_cluster.Nodes[i].Options.Keys is { } ring)
            {
                var held = new List<int>();
                for (int id = 1; id < 256; id++)
                {
                    if (ring.Contains((byte)id))
                    {
                        held.Add(id);
                    }
                }

                Log($"n{i} keys [{string.Join(',', held)}], primary {ring.PrimaryKeyId}");
            }
        }
    }

    private void Log(string text) => _log?.WriteLine($"r{_round,6} {text}");
}
