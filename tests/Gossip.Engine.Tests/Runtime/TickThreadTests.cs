using Gossip.Engine.Runtime;

namespace Gossip.Engine.Tests.Runtime;

/// <summary>
/// The real-clock timer of the round scheduler: it fires periodically on its own thread, stops firing when told to,
/// and its thread ends on dispose. Waits are bounded and generous; nothing asserts how punctual a firing was.
/// </summary>
public sealed class TickThreadTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public void Fires_OnItsOwnThread_UntilStopped_AndEndsOnDispose()
    {
        int firings = 0;
        int thread = 0;
        var timer = new TickThread(
            () =>
            {
                Volatile.Write(ref thread, Environment.CurrentManagedThreadId);
                Interlocked.Increment(ref firings);
            },
            TimeSpan.FromMilliseconds(5),
            TimeSpan.FromMilliseconds(5),
            "test ticks");
        try
        {
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref firings) >= 3, Patience));
            Assert.NotEqual(Environment.CurrentManagedThreadId, Volatile.Read(ref thread));

            // An infinite due time stops it; a firing already running may still finish, then the count stays.
            Assert.True(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
            Thread.Sleep(100);
            int stopped = Volatile.Read(ref firings);
            Thread.Sleep(300);
            Assert.Equal(stopped, Volatile.Read(ref firings));

            // And a new due time starts it again.
            Assert.True(timer.Change(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)));
            Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref firings) >= stopped + 3, Patience));
        }
        finally
        {
            timer.Dispose();
        }

        int disposed = Volatile.Read(ref firings);
        Thread.Sleep(100);
        Assert.Equal(disposed, Volatile.Read(ref firings));
        Assert.False(timer.Change(TimeSpan.Zero, TimeSpan.FromMilliseconds(5)));
    }

    [Fact]
    public void OneShot_FiresOnce()
    {
        int firings = 0;
        using var timer = new TickThread(() => Interlocked.Increment(ref firings), TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan, "test once");
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref firings) == 1, Patience));
        Thread.Sleep(200);
        Assert.Equal(1, Volatile.Read(ref firings));
    }

    [Fact]
    public void DeferTo_SkipsFiringsUntilPulledIn()
    {
        int firings = 0;

        // Every firing asks to sleep for an hour, reading the pull-in count first as the round scheduler does.
        using TickThread timer = EveryFiveMilliseconds("test defer", timer =>
        {
            int pullIns = timer.PullIns;
            Interlocked.Increment(ref firings);
            timer.DeferTo(AnHourFromNow(), pullIns);
        });
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref firings) >= 1, Patience));
        Thread.Sleep(200);
        Assert.Equal(1, Volatile.Read(ref firings));

        // Pulled in, it fires at the next period, and then sleeps again.
        timer.PullIn();
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref firings) == 2, Patience));
        Thread.Sleep(200);
        Assert.Equal(2, Volatile.Read(ref firings));
    }

    [Fact]
    public void DeferTo_DecidedBeforeAPullIn_IsRefused()
    {
        int firings = 0;

        // The count is read, then a node pulls in (as a frame handled on another thread would), then the deferral
        // decided on the stale reading arrives: the timer must keep firing every period.
        using TickThread timer = EveryFiveMilliseconds("test refuse", timer =>
        {
            int pullIns = timer.PullIns;
            timer.PullIn();
            Interlocked.Increment(ref firings);
            timer.DeferTo(AnHourFromNow(), pullIns);
        });
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref firings) >= 5, Patience));
    }

    [Fact]
    public void RoundScheduler_OnTheRealClock_TicksANodeOnItsOwnThread()
    {
        using var test = new MailboxTestNode();
        using var scheduler = new RoundScheduler();
        using IDisposable registration = scheduler.Register(new NodeMailbox(test.Node, 16), TimeSpan.FromMilliseconds(10), TimeProvider.System, new SeededRandom(1));
        Assert.True(SpinWait.SpinUntil(() => test.Node.Round >= 3, Patience));
    }

    private static long AnHourFromNow() => TimeProvider.System.GetTimestamp() + (3600 * TimeProvider.System.TimestampFrequency);

    /// <summary>A timer every 5 ms whose callback is given the timer itself (to defer or pull in its own firings).</summary>
    private static TickThread EveryFiveMilliseconds(string name, Action<TickThread> onFire)
    {
        TickThread? timer = null;
        timer = new TickThread(
            () =>
            {
                // The first firing may come before the constructor has returned the timer to us.
                SpinWait.SpinUntil(() => Volatile.Read(ref timer) is not null);
                onFire(timer!);
            },
            TimeSpan.FromMilliseconds(5),
            TimeSpan.FromMilliseconds(5),
            name);
        return timer;
    }
}
