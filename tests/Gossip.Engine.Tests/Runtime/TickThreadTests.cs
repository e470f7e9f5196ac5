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
    public void RoundScheduler_OnTheRealClock_TicksANodeOnItsOwnThread()
    {
        using var test = new MailboxTestNode();
        using var scheduler = new RoundScheduler();
        using IDisposable registration = scheduler.Register(new NodeMailbox(test.Node, 16), TimeSpan.FromMilliseconds(10), TimeProvider.System, new SeededRandom(1));
        Assert.True(SpinWait.SpinUntil(() => test.Node.Round >= 3, Patience));
    }
}
