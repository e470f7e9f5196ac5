using System.Text;
using Gossip.Engine;
using Gossip.LoadGen.Measurement;
using Gossip.Wire;

namespace Gossip.LoadGen.Tests;

public sealed class PartEventLogTests
{
    private static readonly NodeId A = new(0xA), B = new(0xB), C = new(0xC), Origin = new(0x0F);

    private static GossipEvent Rumor(NodeId origin, uint sequence, long at, string payload = "x") =>
        new(GossipEventKind.RumorReceived, origin, at, Rumor: new RumorId(origin, sequence, 7), Payload: Encoding.UTF8.GetBytes(payload));

    private static GossipEvent Dead(NodeId member, long at) => new(GossipEventKind.MemberDead, member, at);

    [Fact]
    public void RumorFrom_CountsFirstArrivalsOfTheExpected_ByOrigin()
    {
        var log = new PartEventLog();
        log.Record(A, Rumor(Origin, 1, 100));
        log.Record(B, Rumor(Origin, 1, 300));
        log.Record(B, Rumor(Origin, 1, 350));
        log.Record(C, Rumor(Origin, 1, 50));
        (int count, long first, long last) = log.RumorFrom(Origin, new HashSet<NodeId> { A, B });
        Assert.Equal((2, 100L, 300L), (count, first, last));
        Assert.Equal(1, log.DuplicateRumors);
        Assert.Equal(0, log.RumorFrom(A, new HashSet<NodeId> { B }).Count);
    }

    [Fact]
    public void Announcement_IsKeptApart_AndIsNotARumorArrival()
    {
        var log = new PartEventLog();
        Assert.False(log.TryGetAnnouncement(Origin, out _));
        log.Record(A, Rumor(Origin, 1, 100, "loadgen.start\nrun\n12345"));
        log.Record(B, Rumor(Origin, 1, 120, "loadgen.start\nrun\n12345"));
        Assert.True(log.TryGetAnnouncement(Origin, out string text));
        Assert.Equal("run\n12345", text);
        Assert.Equal(0, log.RumorFrom(Origin, new HashSet<NodeId> { A, B }).Count);
        Assert.Equal(0, log.DuplicateRumors);

        // The coordinator's own measured rumor, later, still counts.
        log.Record(A, Rumor(Origin, 2, 500));
        Assert.Equal(1, log.RumorFrom(Origin, new HashSet<NodeId> { A, B }).Count);
    }

    [Fact]
    public void DeathsOf_FirstDeclarationPerObserver_SinceTheCrash()
    {
        var log = new PartEventLog();
        log.Record(A, Dead(C, 90));
        log.Record(A, Dead(C, 200));
        log.Record(B, Dead(C, 260));
        log.Record(B, Dead(C, 210));
        Assert.Equal((2, 200L, 210L), log.DeathsOf(C, new HashSet<NodeId> { A, B }, since: 100));
    }

    [Fact]
    public void FalsePositives_LiveSubjectsOnly_DistinctAndSorted()
    {
        var log = new PartEventLog();
        log.Record(A, Dead(C, 100));
        log.Record(B, Dead(C, 110));
        log.Record(A, Dead(B, 120));
        log.Record(B, Dead(Origin, 400));
        (IReadOnlyList<NodeId> subjects, int declarations) = log.FalsePositives(new Dictionary<NodeId, long> { [Origin] = 300, [C] = 105 }, since: 0);
        Assert.Equal([B, C], subjects);
        Assert.Equal(2, declarations);
    }
}
