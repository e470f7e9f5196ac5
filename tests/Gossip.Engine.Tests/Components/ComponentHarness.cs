using Gossip.Engine.Aggregation;
using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Broadcasts;
using Gossip.Engine.Dissemination;
using Gossip.Engine.FailureDetection;
using Gossip.Engine.Framing;
using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// One node's components wired as <see cref="GossipNode"/> wires them, over a capturing transport, a fake clock and a
/// seeded random source, with no node around them: each component can be driven and inspected alone.
/// </summary>
internal sealed class ComponentHarness
{
    public ComponentHarness(GossipOptions? options = null, ulong seed = 1, int maxLargeFrameBytes = 0, ulong selfId = 1)
    {
        Options = options ?? new GossipOptions();

        // The harness's codec writes plain frames, so its node opts in to plaintext explicitly.
        Options.AllowPlaintext = true;
        Options.Validate();
        Transport = new CapturingTransport(AddressOf(selfId), maxLargeFrameBytes);
        WireLimits limits = WireLimits.Datagram with { MaxFrameBytes = Math.Max(Options.MaxDatagramBytes, maxLargeFrameBytes) };
        Codec = new FrameCodec(Options.ClusterId, null, limits);
        var self = new Member(new NodeId(selfId), 1, Transport.LocalAddress) { Status = MemberStatus.Alive };
        Counters = new NodeCounters();
        Events = new NodeEvents(Options.EventCapacity, NullLogger.Instance, Time, Counters);
        Node = new NodeContext(Options, limits, self, new SeededRandom(seed), Time, Counters, Events);
        Frames = new FrameComposer(Codec, Transport, limits, Options.MaxDatagramBytes, Counters, self, Time);
        Health = new LocalHealth(Options.MaxLocalHealthScore);
        Members = new MembershipState(Node);
        Broadcasts = new BroadcastBackstop(Node, Members, Frames);
        Spread = new Disseminator(Node, Members, Frames, Broadcasts);
        Prober = new Prober(Node, Members, Spread, Frames, Health, behindOnInput: () => BehindOnInput);
        Rules = new MembershipRules(Node, Members, Spread, Prober, Frames, Health);
        Exchange = new DigestExchange(Node, Members, Rules, Spread, Frames);
        Aggregation = new AggregationRound(Node, Members, Frames);
        Intake = new FrameIntake(Node, Codec, Members, NullLogger.Instance);
    }

    public GossipOptions Options { get; }

    /// <summary>What the prober is told when it asks whether received frames wait unhandled (a node's mailbox or socket).</summary>
    public bool BehindOnInput { get; set; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public CapturingTransport Transport { get; }

    public FrameCodec Codec { get; }

    public NodeCounters Counters { get; }

    public NodeEvents Events { get; }

    public NodeContext Node { get; }

    public FrameComposer Frames { get; }

    public LocalHealth Health { get; }

    public MembershipState Members { get; }

    public BroadcastBackstop Broadcasts { get; }

    public Disseminator Spread { get; }

    public Prober Prober { get; }

    public MembershipRules Rules { get; }

    public DigestExchange Exchange { get; }

    public AggregationRound Aggregation { get; }

    public FrameIntake Intake { get; }

    public Member Self => Node.Self;

    /// <summary>A deterministic address for a node id.</summary>
    public static WireAddress AddressOf(ulong id) =>
        WireAddress.FromEndPoint(new System.Net.IPEndPoint(new System.Net.IPAddress([10, 0, (byte)(id >> 8), (byte)id]), 7946));

    /// <summary>Adds live members with the given ids (generation 1).</summary>
    public Member[] AddMembers(params ulong[] ids)
    {
        var added = new Member[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            added[i] = Members.Add(new NodeId(ids[i]), 1, 0, AddressOf(ids[i]))!;
        }

        return added;
    }

    /// <summary>A member this node knows (fails the test when it does not).</summary>
    public Member Member(ulong id)
    {
        Assert.True(Members.TryGet(new NodeId(id), out Member member), $"member {id} is not known");
        return member;
    }

    /// <summary>Advances the round counter as the node's round would (no round work runs).</summary>
    public long NextRound() => ++Node.Round;

    /// <summary>The sections of a sent frame, opened and validated as a receiver would.</summary>
    public List<(MessageType Type, byte[] Payload)> Sections(SentFrame frame)
    {
        byte[] copy = frame.Bytes.ToArray();
        Assert.Equal(WireStatus.Ok, Codec.Open(copy, out FrameHeader header, out ReadOnlySpan<byte> body));
        Assert.Equal(WireStatus.Ok, BodyValidator.Validate(header.Type, body, Codec.Limits));
        var sections = new SectionReader(header.Type, body, Codec.Limits);
        var result = new List<(MessageType, byte[])>();
        while (sections.TryReadNext(out MessageType type, out ReadOnlySpan<byte> payload, out bool done) == WireStatus.Ok && !done)
        {
            result.Add((type, payload.ToArray()));
        }

        return result;
    }
}
