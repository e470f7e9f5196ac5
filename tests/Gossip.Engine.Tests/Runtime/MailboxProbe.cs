using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Runtime;

/// <summary>Helpers that observe a mailbox from outside: hold it busy, wait for it to drain. Every wait is bounded.</summary>
internal static class MailboxProbe
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A frame no node accepts: handling it counts one dropped frame, which makes handling observable. Its header is sound
    /// (cluster 1, plain, a stranger's id), so a busy mailbox queues it; its checksum is not, so the intake drops it.
    /// </summary>
    public static byte[] Garbage(int length = 48)
    {
        byte[] frame = new byte[length];
        frame[0] = FrameHeader.Magic0;
        frame[1] = FrameHeader.Magic1;
        frame[2] = FrameHeader.CurrentVersion;
        frame[3] = (byte)MessageType.Ping;
        frame[6] = 1; // cluster id 1 (little-endian)
        frame[10] = 0xBD; // sender id 0xBD
        frame[18] = 1; // generation 1
        return frame;
    }

    /// <summary>Posts a command that blocks the mailbox's executor until the returned gate is released; returns once it is running.</summary>
    public static ManualResetEventSlim HoldBusy(NodeMailbox mailbox)
    {
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        mailbox.PostCommand(_ =>
        {
            entered.Set();
            release.Wait(Patience);
        });
        Assert.True(entered.Wait(Patience), "the blocking command never started");
        return release;
    }

    /// <summary>Posts a marker command and waits until it has run: everything posted before it has run too (FIFO).</summary>
    public static void Drain(NodeMailbox mailbox)
    {
        using var done = new ManualResetEventSlim();
        mailbox.PostCommand(_ => done.Set());
        Assert.True(done.Wait(Patience), "the mailbox did not drain");
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds.</summary>
    public static void WaitUntil(Func<bool> condition, string what) =>
        Assert.True(SpinWait.SpinUntil(condition, Patience), what);
}
