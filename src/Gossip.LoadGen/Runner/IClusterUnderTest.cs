using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// A cluster a scenario drives, whatever carries its traffic: real UDP sockets in wall time, or the simulated network
/// in virtual time. Scenarios see only this, so the same phases run on both and on a fake in tests.
/// </summary>
internal interface IClusterUnderTest : IDisposable
{
    /// <summary>"udp" or "memory".</summary>
    string Transport { get; }

    /// <summary>True when <see cref="Time"/> is virtual (simulation): durations are simulated, figures are also given in rounds.</summary>
    bool VirtualTime { get; }

    /// <summary>The gossip interval the nodes run at.</summary>
    TimeSpan Interval { get; }

    /// <summary>The clock the nodes stamp their events with, and the scenario measures with.</summary>
    TimeProvider Time { get; }

    /// <summary>Every node's rumor and death notifications, up to the last <see cref="Wait"/>.</summary>
    EventLog Log { get; }

    /// <summary>Nodes, live or crashed.</summary>
    int Count { get; }

    /// <summary>Lets <paramref name="duration"/> pass: sleeps on UDP, runs the simulation in virtual time in memory.</summary>
    void Wait(TimeSpan duration);

    /// <summary>True while node <paramref name="index"/> has not crashed.</summary>
    bool IsLive(int index);

    /// <summary>Node <paramref name="index"/>'s id.</summary>
    NodeId IdOf(int index);

    /// <summary>Live nodes whose view is complete (every live node alive; for partial views, a full view).</summary>
    int ConvergedCount();

    /// <summary>
    /// Pairs of live nodes in which the receiver has not yet opened an encrypted frame of the sender (0 when the nodes run
    /// plaintext). A receiver makes a replay window and derives an AES-GCM key for each sender the first time one of its
    /// frames authenticates, once per pair: until every pair has met, a window measures those first meetings, not rounds.
    /// </summary>
    int UnmetPairs();

    /// <summary>
    /// Stream (TCP) connections the live nodes hold open (0 in memory). The joins open some, which close only after
    /// their idle timeouts (5 s on the answering side, 30 s on the requesting side); a window opened before measures
    /// their teardown, not rounds.
    /// </summary>
    int OpenStreams();

    /// <summary>Rounds node <paramref name="index"/> has run.</summary>
    long Rounds(int index);

    /// <summary>Node <paramref name="index"/>'s transport counters.</summary>
    TrafficSnapshot Traffic(int index);

    /// <summary>Originates a rumor at node <paramref name="index"/>.</summary>
    RumorId Broadcast(int index, ReadOnlySpan<byte> payload);

    /// <summary>True when node <paramref name="observer"/> currently lists <paramref name="member"/> as a member.</summary>
    bool Knows(int observer, NodeId member);

    /// <summary>Stops node <paramref name="index"/> with no goodbye: a crash.</summary>
    void Crash(int index);
}
