using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.Wire;

namespace Gossip.LoadGen.Tests;

public sealed class EventLogTests
{
    private static readonly NodeId A = new(1), B = new(2), C = new(3), D = new(4);
    private static readonly RumorId Rumor = new(A, 7);

    [Fact]
    public void Spread_CountsExpectedNodes_FirstArrivalOnly()
    {
        var log = new EventLog();
        log.Record(B, Received(100));
        log.Record(C, Received(250));
        log.Record(B, Received(900)); // a repeat must not move B's arrival
        log.Record(D, Received(400)); // not expected (say, crashed meanwhile)

        Assert.Equal((2, 250L), log.Spread(Rumor, new HashSet<NodeId> { B, C }));
        Assert.Equal([100L, 250L], log.Arrivals(Rumor, new HashSet<NodeId> { B, C }));
        Assert.Equal((0, long.MinValue), log.Spread(new RumorId(A, 8), new HashSet<NodeId> { B }));
    }

    [Fact]
    public void DuplicateRumors_CountsRepeatsOfTheSameObserver_Only()
    {
        var log = new EventLog();
        log.Record(B, Received(100));
        log.Record(C, Received(250));
        Assert.Equal(0, log.DuplicateRumors);

        log.Record(B, Received(900));

        Assert.Equal(1, log.DuplicateRumors);
    }

    [Fact]
    public void DeathsOf_DistinctObserversSinceTheCrash_FirstAndLast()
    {
        var log = new EventLog();
        log.Record(B, Dead(C, 50));   // before the crash: not this detection
        log.Record(B, Dead(C, 1_100));
        log.Record(B, Dead(C, 1_500)); // B again: its first declaration counts
        log.Record(D, Dead(C, 1_300));
        log.Record(A, Dead(D, 1_200)); // another subject

        Assert.Equal((2, 1_100L, 1_300L), log.DeathsOf(C, new HashSet<NodeId> { A, B, D }, since: 1_000));
    }

    [Fact]
    public void FalsePositives_AreLiveNodesDeclaredDead_CountedOnce()
    {
        var log = new EventLog();
        log.Record(A, Dead(C, 10)); // C crashed: a true positive
        log.Record(A, Dead(D, 20));
        log.Record(B, Dead(D, 30));
        log.Record(C, Dead(B, 5));  // before the window

        Assert.Equal((1, 2), log.FalsePositives(new Dictionary<NodeId, long> { [C] = 10 }, since: 10));
        Assert.Equal((2, 3), log.FalsePositives(new Dictionary<NodeId, long> { [C] = 10 }, since: 0));
    }

    [Fact]
    public void FalsePositives_ANodeDeclaredDeadBeforeItCrashed_WasLiveThen()
    {
        var log = new EventLog();
        log.Record(A, Dead(C, 400));   // C crashes at 1,000: this one was false
        log.Record(B, Dead(C, 1_200)); // a true detection

        Assert.Equal((1, 1), log.FalsePositives(new Dictionary<NodeId, long> { [C] = 1_000 }, since: 0));
        Assert.Equal((0, 0), log.FalsePositives(new Dictionary<NodeId, long> { [C] = 300 }, since: 0));
    }

    [Fact]
    public void OtherKinds_AreIgnored()
    {
        var log = new EventLog();
        log.Record(A, new GossipEvent(GossipEventKind.MemberSuspect, B, 10));
        log.Record(A, new GossipEvent(GossipEventKind.MemberJoined, B, 10));
        Assert.Equal((0, 0), log.FalsePositives(new Dictionary<NodeId, long>(), since: 0));
    }

    private static GossipEvent Received(long timestamp) => new(GossipEventKind.RumorReceived, A, timestamp, Rumor: Rumor);

    private static GossipEvent Dead(NodeId subject, long timestamp) => new(GossipEventKind.MemberDead, subject, timestamp);
}
