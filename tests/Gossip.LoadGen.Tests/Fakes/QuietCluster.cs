using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Runner;
using Gossip.Wire;

namespace Gossip.LoadGen.Tests.Fakes;

/// <summary>
/// A converged cluster on a <see cref="ManualClock"/> in which nothing happens but rounds (one per node every
/// <see cref="Interval"/>) and one datagram per node-round; rumors never arrive and crashes are never detected.
/// Nothing in it allocates after construction, so whatever a run allocates on the test thread is the runner's own.
/// </summary>
internal sealed class QuietCluster : IClusterUnderTest
{
    private readonly ManualClock _clock = new();
    private readonly bool[] _live;
    private long _roundSteps;

    public QuietCluster(int nodes)
    {
        _live = new bool[nodes];
        Array.Fill(_live, true);
    }

    public string Transport => "quiet";

    public bool VirtualTime => true;

    public TimeSpan Interval => TimeSpan.FromMilliseconds(200);

    public TimeProvider Time => _clock;

    public EventLog Log { get; } = new();

    public int Count => _live.Length;

    public void Wait(TimeSpan duration)
    {
        _clock.AdvanceTo(_clock.Now + duration);
        _roundSteps = _clock.Now.Ticks / Interval.Ticks;
    }

    public bool IsLive(int index) => _live[index];

    public NodeId IdOf(int index) => new((ulong)index + 100);

    public int ConvergedCount()
    {
        int live = 0;
        foreach (bool l in _live)
        {
            live += l ? 1 : 0;
        }

        return live;
    }

    public int UnmetPairs() => 0;

    public int OpenStreams() => 0;

    public long Rounds(int index) => _roundSteps;

    public TrafficSnapshot Traffic(int index) => new(72 * _roundSteps, 72 * _roundSteps, _roundSteps, _roundSteps, 0, 0);

    public RumorId Broadcast(int index, ReadOnlySpan<byte> payload) => new(IdOf(index), 1);

    public bool Knows(int observer, NodeId member) => true;

    public void Crash(int index) => _live[index] = false;

    public void Dispose()
    {
    }
}
