using Gossip.Engine.Runtime;
using Microsoft.Extensions.Time.Testing;

namespace Gossip.Engine.Tests.Runtime;

/// <summary>The round scheduler: one timer ("wheel") per interval, two slots per wheel, ticks stop when a registration is disposed.</summary>
public sealed class RoundSchedulerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void Register_WhenTimerRunsAFullInterval_TicksTheNodeOnceOnItsSlot()
    {
        using var test = new MailboxTestNode();
        var time = new FakeTimeProvider();
        using var scheduler = new RoundScheduler();
        using IDisposable registration = scheduler.Register(new NodeMailbox(test.Node, 16), Interval, time, new SeededRandom(1));

        Assert.Equal(0, test.Node.Round);
        Advance(time, Interval);
        Assert.Equal(1, test.Node.Round);
        Advance(time, 3 * Interval);
        Assert.Equal(4, test.Node.Round);
    }

    [Fact]
    public void Register_ManyNodes_SpreadsThemOverTwoSlotsHalfAnIntervalApart()
    {
        const int Nodes = 16;
        var time = new FakeTimeProvider();
        using var scheduler = new RoundScheduler();
        var random = new SeededRandom(7);
        var nodes = new MailboxTestNode[Nodes];
        var registrations = new IDisposable[Nodes];
        for (int i = 0; i < Nodes; i++)
        {
            nodes[i] = new MailboxTestNode((ulong)i + 1);
            registrations[i] = scheduler.Register(new NodeMailbox(nodes[i].Node, 16), Interval, time, random);
        }

        try
        {
            Advance(time, Interval / 2);
            int tickedFirst = CountWithRound(nodes, 1);
            Advance(time, Interval / 2);

            // Each slot fires once per interval, half an interval after the other: after the first half only one
            // slot's nodes have ticked (some, not all, with 16 nodes on a seeded draw), after the second all have.
            Assert.InRange(tickedFirst, 1, Nodes - 1);
            Assert.Equal(Nodes, CountWithRound(nodes, 1));
        }
        finally
        {
            for (int i = 0; i < Nodes; i++)
            {
                registrations[i].Dispose();
                nodes[i].Dispose();
            }
        }
    }

    [Fact]
    public void DisposeRegistration_ThenTimerFires_NoLongerTicksThatNodeButTicksOthers()
    {
        using var stopped = new MailboxTestNode(1);
        using var running = new MailboxTestNode(2);
        var time = new FakeTimeProvider();
        using var scheduler = new RoundScheduler();
        var random = new SeededRandom(3);
        IDisposable registration = scheduler.Register(new NodeMailbox(stopped.Node, 16), Interval, time, random);
        using IDisposable other = scheduler.Register(new NodeMailbox(running.Node, 16), Interval, time, random);
        Advance(time, Interval);

        registration.Dispose();
        registration.Dispose(); // idempotent
        Advance(time, 2 * Interval);

        Assert.Equal(1, stopped.Node.Round);
        Assert.Equal(3, running.Node.Round);
    }

    [Fact]
    public void Register_WithDifferentIntervals_UsesOneWheelEachTickingAtItsOwnRate()
    {
        using var fast = new MailboxTestNode(1);
        using var slow = new MailboxTestNode(2);
        using var fastTwin = new MailboxTestNode(3);
        var time = new CountingTimeProvider();
        using var scheduler = new RoundScheduler();
        var random = new SeededRandom(4);

        using IDisposable a = scheduler.Register(new NodeMailbox(fast.Node, 16), TimeSpan.FromMilliseconds(200), time, random);
        using IDisposable b = scheduler.Register(new NodeMailbox(slow.Node, 16), TimeSpan.FromMilliseconds(300), time, random);
        using IDisposable c = scheduler.Register(new NodeMailbox(fastTwin.Node, 16), TimeSpan.FromMilliseconds(200), time, random);
        Advance(time, TimeSpan.FromMilliseconds(1_200));

        Assert.Equal(2, time.TimersCreated);
        Assert.Equal(6, fast.Node.Round);
        Assert.Equal(6, fastTwin.Node.Round);
        Assert.Equal(4, slow.Node.Round);
    }

    [Fact]
    public void Register_OneNode_FiresOncePerInterval_AndOncePerSlotWhenBothSlotsHoldNodes()
    {
        var time = new CountingTimeProvider();
        using var scheduler = new RoundScheduler();
        var random = new SeededRandom(5);
        using var first = new MailboxTestNode(1);
        using IDisposable a = scheduler.Register(new NodeMailbox(first.Node, 16), Interval, time, random);

        // One node (an embedding service's process): a firing per round, none for the empty slot.
        Advance(time, 5 * Interval);
        Assert.Equal(5, time.Firings);
        Assert.Equal(5, first.Node.Round);

        // Enough nodes that both slots hold some: a firing per slot, each node still ticked once per interval.
        var others = new MailboxTestNode[16];
        var registrations = new IDisposable[others.Length];
        for (int i = 0; i < others.Length; i++)
        {
            others[i] = new MailboxTestNode((ulong)i + 2);
            registrations[i] = scheduler.Register(new NodeMailbox(others[i].Node, 16), Interval, time, random);
        }

        try
        {
            int before = time.Firings;
            Advance(time, 5 * Interval);
            Assert.Equal(10, time.Firings - before);
            Assert.Equal(5, others[0].Node.Round);
            Assert.Equal(5, others[^1].Node.Round);
        }
        finally
        {
            for (int i = 0; i < others.Length; i++)
            {
                registrations[i].Dispose();
                others[i].Dispose();
            }
        }

        // Back to one node: back to one firing per interval.
        int alone = time.Firings;
        Advance(time, 5 * Interval);
        Assert.Equal(5, time.Firings - alone);
    }

    [Fact]
    public void Dispose_StopsEveryWheel()
    {
        using var test = new MailboxTestNode();
        var time = new FakeTimeProvider();
        var scheduler = new RoundScheduler();
        using IDisposable registration = scheduler.Register(new NodeMailbox(test.Node, 16), Interval, time, new SeededRandom(1));

        scheduler.Dispose();
        Advance(time, 3 * Interval);

        Assert.Equal(0, test.Node.Round);
    }

    /// <summary>Moves the fake clock in small steps so every periodic timer fires at each of its due times.</summary>
    private static void Advance(FakeTimeProvider time, TimeSpan by)
    {
        TimeSpan step = TimeSpan.FromMilliseconds(10);
        for (TimeSpan moved = TimeSpan.Zero; moved < by; moved += step)
        {
            time.Advance(step);
        }
    }

    private static int CountWithRound(MailboxTestNode[] nodes, long round)
    {
        int count = 0;
        foreach (MailboxTestNode node in nodes)
        {
            count += node.Node.Round == round ? 1 : 0;
        }

        return count;
    }

    /// <summary>A fake clock that counts the timers created on it (one per wheel) and their firings (each a thread wake-up on a real clock).</summary>
    private sealed class CountingTimeProvider : FakeTimeProvider
    {
        private int _firings;

        public int TimersCreated { get; private set; }

        public int Firings => Volatile.Read(ref _firings);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            TimersCreated++;
            return base.CreateTimer(
                s =>
                {
                    Interlocked.Increment(ref _firings);
                    callback(s);
                },
                state,
                dueTime,
                period);
        }
    }
}
