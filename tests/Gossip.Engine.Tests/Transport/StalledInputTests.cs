using Gossip.Engine.Transport;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Transport;

/// <summary>
/// A node whose receive path stalls while its round thread keeps ticking, on real UDP sockets: what a starved thread
/// pool does to an asynchronous receive loop, or a long pause to a receive thread. Its peer's acks and pings pile up in
/// its socket; it must not take them for silence.
/// </summary>
[Collection(nameof(UdpClusterTests))]
public sealed class StalledInputTests
{
    [Fact]
    public void NodeBehindOnItsInput_DeclaresNoLiveMemberSuspectOrDead_AndCatchesUp()
    {
        var options = new GossipOptions { GossipInterval = TimeSpan.FromMilliseconds(50), AllowPlaintext = true };
        var stalling = new StallingTransport(new UdpTransport(new UdpTransportOptions { DedicatedReceiveThread = true }));
        using var a = new GossipNode(options, stalling); // disposes the transport
        using var b = new GossipNode(new GossipOptions { GossipInterval = TimeSpan.FromMilliseconds(50), AllowPlaintext = true }, new UdpTransport(new UdpTransportOptions()));
        a.Start();
        b.Start();
        b.Join([a.Address]);
        Assert.True(Eventually.True(() => a.LiveMemberCount == 2 && b.LiveMemberCount == 2), "the two nodes did not meet");
        while (a.Events.TryRead(out _))
        {
        }

        // A's receive thread is held inside its first frame; B keeps pinging and acking into A's socket. Held well past
        // the point where A, taking B's acks for silence, would have suspected B (2 probe timeouts) and declared it dead
        // (the suspicion's 20 rounds): every one of A's rounds since then found a verdict due and its input waiting.
        stalling.Stall();
        long start = a.Counters.Rounds;
        int suspicionRounds = Formulas.SuspicionTimeoutRounds(options.SuspicionMultiplier, 2, options.ProbeEveryRounds, options.ProbeTimeoutRounds, 1, options.SuspicionConfirmations);
        Assert.True(Eventually.True(() => a.Counters.Rounds > start + (4 * options.ProbeEveryRounds) + suspicionRounds, 60_000), "A's rounds stopped");
        Assert.True(stalling.Held, "no frame reached A's receive path while it was stalled");

        stalling.Resume();
        long resumed = a.Counters.Rounds;
        Assert.True(Eventually.True(() => a.Counters.Rounds > resumed + (2 * options.ProbeEveryRounds), 60_000), "A's rounds stopped");

        Assert.Equal(0, a.Counters.Suspicions);
        Assert.Equal(0, a.Counters.DeathsDeclared);
        Assert.Contains(a.Members, m => m.Id == b.Id && m.Status == MemberStatus.Alive);
        while (a.Events.TryRead(out GossipEvent e))
        {
            Assert.False(e.Member == b.Id && e.Kind is GossipEventKind.MemberSuspect or GossipEventKind.MemberDead, $"A reported {e.Kind} for B");
        }

        Assert.True(a.Counters.VerdictsDeferred > 0, "A was never asked for a verdict while stalled: the stall proved nothing");
    }

    /// <summary>A real UDP transport whose receive path can be held inside a frame, so later datagrams wait in the socket.</summary>
    private sealed class StallingTransport(UdpTransport inner) : ITransport, IFrameReceiver
    {
        private readonly ManualResetEventSlim _flowing = new(initialState: true);
        private IFrameReceiver? _receiver;
        private volatile bool _held;

        public bool Held => _held;

        public WireAddress LocalAddress => inner.LocalAddress;

        public int MaxDatagramBytes => inner.MaxDatagramBytes;

        public int MaxLargeFrameBytes => inner.MaxLargeFrameBytes;

        public TransportCounters Counters => inner.Counters;

        public bool HasPendingInput => inner.HasPendingInput;

        public void Stall() => _flowing.Reset();

        public void Resume() => _flowing.Set();

        public void Start(IFrameReceiver receiver)
        {
            _receiver = receiver;
            inner.Start(this);
        }

        public void OnFrame(WireAddress source, Span<byte> frame, bool viaStream)
        {
            if (!_flowing.IsSet)
            {
                _held = true;
                _flowing.Wait();
            }

            _receiver!.OnFrame(source, frame, viaStream);
        }

        public bool Send(WireAddress destination, ReadOnlySpan<byte> frame) => inner.Send(destination, frame);

        public bool SendLarge(WireAddress destination, ReadOnlySpan<byte> frame) => inner.SendLarge(destination, frame);

        public bool SendAnswer(WireAddress streamSource, ReadOnlySpan<byte> frame) => inner.SendAnswer(streamSource, frame);

        public void Dispose()
        {
            _flowing.Set();
            inner.Dispose();
            _flowing.Dispose();
        }
    }
}
