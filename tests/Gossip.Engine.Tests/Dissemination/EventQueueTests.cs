using Gossip.Engine.Dissemination;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Dissemination;

/// <summary>The membership event queue: latest news per member only, one transmit spent per write, bounded by dropping the least budget.</summary>
public sealed class EventQueueTests
{
    private static readonly WireAddress Address = WireAddress.FromEndPoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 7946));

    [Fact]
    public void Enqueue_NewerEventAboutSameSubject_ReplacesTheOlder()
    {
        var queue = new EventQueue(64);
        queue.Enqueue(Event(MembershipEventKind.Suspect, subject: 5, incarnation: 1), transmits: 3);
        queue.Enqueue(Event(MembershipEventKind.Join, subject: 6, incarnation: 0), transmits: 3);

        queue.Enqueue(Event(MembershipEventKind.Alive, subject: 5, incarnation: 2), transmits: 3);

        Assert.Equal(2, queue.Count);
        List<MembershipEvent> written = Write(queue);
        MembershipEvent about5 = Assert.Single(written, e => e.Subject.Value == 5);
        Assert.Equal(MembershipEventKind.Alive, about5.Kind);
        Assert.Equal(2u, about5.Incarnation);
    }

    [Fact]
    public void Enqueue_Replacing_StartsTheNewEventWithItsOwnBudget()
    {
        var queue = new EventQueue(64);
        queue.Enqueue(Event(MembershipEventKind.Suspect, subject: 5, incarnation: 1), transmits: 1);

        queue.Enqueue(Event(MembershipEventKind.Alive, subject: 5, incarnation: 2), transmits: 2);

        Assert.Single(Write(queue));
        Assert.Single(Write(queue));
        Assert.Empty(Write(queue));
    }

    [Fact]
    public void Write_EachWrite_SpendsOneTransmitAndDropsTheEventAtZero()
    {
        var queue = new EventQueue(64);
        queue.Enqueue(Event(MembershipEventKind.Dead, subject: 5, incarnation: 1), transmits: 2);
        queue.Enqueue(Event(MembershipEventKind.Join, subject: 6, incarnation: 0), transmits: 1);

        Assert.Equal(2, Write(queue).Count);
        Assert.Equal(1, queue.Count);
        Assert.Equal(5UL, Assert.Single(Write(queue)).Subject.Value);
        Assert.Equal(0, queue.Count);
        Assert.Empty(Write(queue));
    }

    [Fact]
    public void Enqueue_WhenFull_DropsTheEventWithLeastBudgetAndCountsIt()
    {
        var queue = new EventQueue(8);
        for (ulong subject = 1; subject <= 8; subject++)
        {
            queue.Enqueue(Event(MembershipEventKind.Join, subject, incarnation: 0), transmits: subject == 3 ? 1 : 5);
        }

        Assert.Equal(0, queue.Dropped);

        queue.Enqueue(Event(MembershipEventKind.Join, subject: 9, incarnation: 0), transmits: 5);

        Assert.Equal(1, queue.Dropped);
        Assert.Equal(8, queue.Count);
        Assert.Equal(new ulong[] { 1, 2, 4, 5, 6, 7, 8, 9 }, Write(queue).Select(e => e.Subject.Value).Order());
    }

    private static MembershipEvent Event(MembershipEventKind kind, ulong subject, uint incarnation) =>
        new(kind, new NodeId(subject), 1, incarnation, new NodeId(1), Address);

    private static List<MembershipEvent> Write(EventQueue queue)
    {
        byte[] bytes = new byte[1_400];
        var writer = new GossipWriter(bytes);
        int written = queue.Write(ref writer, 64);
        var events = new List<MembershipEvent>();
        if (written == 0)
        {
            return events;
        }

        var reader = new GossipReader(writer.Written);
        Assert.Equal(WireStatus.Ok, reader.TryReadCount(64, out int count));
        Assert.Equal(written, count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(WireStatus.Ok, MembershipEvent.TryRead(ref reader, out MembershipEvent e));
            events.Add(e);
        }

        return events;
    }
}
