using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Runner;
using Gossip.Wire;

namespace Gossip.LoadGen.Tests.Fakes;

/// <summary>
/// A scripted cluster on a <see cref="ManualClock"/>, so every figure of a run is known in advance:
/// <list type="bullet">
/// <item>a round every <see cref="Interval"/> (200 ms): each live node sends and receives one 72-byte datagram, node 0 sends one more;</item>
/// <item>converged from <see cref="ConvergedAt"/> on; every pair of live nodes has met from <see cref="PairsMetAt"/> on (one pair short before);</item>
/// <item>the r-th rumor (0-based) reaches the other live nodes, in index order, at 10 * (r + 1) ms intervals;</item>
/// <item>after a crash, the live nodes declare the victim dead in index order, 1,000 ms + 200 ms * rank after it;</item>
/// <item>at 500 ms node 1 and node 0 both (wrongly) declare node 3 dead: one false positive, two declarations.</item>
/// </list>
/// </summary>
internal sealed class FakeCluster : IClusterUnderTest
{
    private readonly ManualClock _clock = new();
    private readonly bool[] _live;
    private readonly long[] _rounds;
    private readonly TrafficSnapshot[] _traffic;
    private readonly List<(TimeSpan At, Action Fire)> _scheduled = [];
    private uint _rumors;

    public FakeCluster(int nodes, bool falsePositive = true)
    {
        _live = new bool[nodes];
        Array.Fill(_live, true);
        _rounds = new long[nodes];
        _traffic = new TrafficSnapshot[nodes];
        if (falsePositive)
        {
            _scheduled.Add((TimeSpan.FromMilliseconds(500), () => Declare(1, 3)));
            _scheduled.Add((TimeSpan.FromMilliseconds(500), () => Declare(0, 3)));
        }
    }

    public ManualClock Clock => _clock;

    /// <summary>Round steps run (cluster-wide), for the fake process meter.</summary>
    public long RoundSteps { get; private set; }

    /// <summary>Node-rounds run, for the fake process meter.</summary>
    public long NodeRounds { get; private set; }

    public TimeSpan ConvergedAt { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan PairsMetAt { get; init; } = TimeSpan.Zero;

    /// <summary>Two stream connections are open until this time (the joins'), none after.</summary>
    public TimeSpan StreamsClosedAt { get; init; } = TimeSpan.Zero;

    public List<TimeSpan> Waits { get; } = [];

    public string Transport => "fake";

    public bool VirtualTime => true;

    public TimeSpan Interval => TimeSpan.FromMilliseconds(200);

    public TimeProvider Time => _clock;

    public EventLog Log { get; } = new();

    public int Count => _live.Length;

    public void Wait(TimeSpan duration)
    {
        Waits.Add(duration);
        TimeSpan target = _clock.Now + duration;
        while (true)
        {
            TimeSpan nextRound = Interval * (RoundSteps + 1);
            int nextEvent = -1;
            for (int i = 0; i < _scheduled.Count; i++)
            {
                if (nextEvent < 0 || _scheduled[i].At < _scheduled[nextEvent].At)
                {
                    nextEvent = i;
                }
            }

            TimeSpan next = nextEvent >= 0 && _scheduled[nextEvent].At < nextRound ? _scheduled[nextEvent].At : nextRound;
            if (next > target)
            {
                break;
            }

            _clock.AdvanceTo(next);
            if (nextEvent >= 0 && _scheduled[nextEvent].At == next)
            {
                Action fire = _scheduled[nextEvent].Fire;
                _scheduled.RemoveAt(nextEvent);
                fire();
            }
            else
            {
                RunRound();
            }
        }

        _clock.AdvanceTo(target);
    }

    public bool IsLive(int index) => _live[index];

    public NodeId IdOf(int index) => new((ulong)index + 100);

    public int ConvergedCount() => _clock.Now >= ConvergedAt ? LiveCount() : 0;

    public int UnmetPairs() => _clock.Now >= PairsMetAt ? 0 : 1;

    public int OpenStreams() => _clock.Now >= StreamsClosedAt ? 0 : 2;

    public long Rounds(int index) => _rounds[index];

    public TrafficSnapshot Traffic(int index) => _traffic[index];

    public RumorId Broadcast(int index, ReadOnlySpan<byte> payload)
    {
        uint sequence = _rumors++;
        var id = new RumorId(IdOf(index), sequence);
        int rank = 0;
        for (int j = 0; j < Count; j++)
        {
            if (j != index && _live[j])
            {
                int receiver = j;
                rank++;
                TimeSpan at = _clock.Now + TimeSpan.FromMilliseconds(10 * (sequence + 1) * rank);
                _scheduled.Add((at, () => Log.Record(IdOf(receiver), new GossipEvent(GossipEventKind.RumorReceived, IdOf(index), _clock.GetTimestamp(), Rumor: id))));
            }
        }

        return id;
    }

    public bool Knows(int observer, NodeId member) => true;

    public void Crash(int index)
    {
        _live[index] = false;
        int rank = 0;
        for (int j = 0; j < Count; j++)
        {
            if (_live[j])
            {
                int observer = j;
                TimeSpan at = _clock.Now + TimeSpan.FromMilliseconds(1_000 + (200 * rank++));
                _scheduled.Add((at, () => Declare(observer, index)));
            }
        }
    }

    public void Dispose()
    {
    }

    private void Declare(int observer, int subject) =>
        Log.Record(IdOf(observer), new GossipEvent(GossipEventKind.MemberDead, IdOf(subject), _clock.GetTimestamp()));

    private void RunRound()
    {
        RoundSteps++;
        for (int i = 0; i < Count; i++)
        {
            if (!_live[i])
            {
                continue;
            }

            _rounds[i]++;
            NodeRounds++;
            int sent = i == 0 ? 2 : 1;
            _traffic[i] += new TrafficSnapshot(BytesSent: 72 * sent, BytesReceived: 72, DatagramsSent: sent, DatagramsReceived: 1, StreamBytesSent: 0, StreamBytesReceived: 0);
        }
    }

    private int LiveCount()
    {
        int live = 0;
        foreach (bool l in _live)
        {
            live += l ? 1 : 0;
        }

        return live;
    }
}
