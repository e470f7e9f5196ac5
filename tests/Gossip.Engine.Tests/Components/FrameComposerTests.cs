using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

public sealed class FrameComposerTests
{
    [Fact]
    public void Send_LoneSection_TravelsAsAPlainFrameOfItsType()
    {
        var harness = new ComponentHarness();
        harness.Frames.SendEvent(ComponentHarness.AddressOf(2), new NodeId(2), new MembershipEvent(MembershipEventKind.Alive, new NodeId(1), 1, 0, new NodeId(1), harness.Self.Address));

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.Equal(WireStatus.Ok, harness.Codec.Open(sent.Bytes.ToArray(), out FrameHeader header, out _));
        Assert.Equal(MessageType.Membership, header.Type);
        Assert.Equal(MessageType.Membership, Assert.Single(harness.Sections(sent)).Type);
        Assert.Equal(1, harness.Counters.FramesSent);
    }

    [Fact]
    public void Answer_ThatFitsADatagram_GoesAsADatagramEvenWithAStreamChannel()
    {
        var harness = new ComponentHarness(maxLargeFrameBytes: 1 << 20);
        Framing.AnswerFrame answer = harness.Frames.BeginAnswer();
        var writer = new GossipWriter(answer.Body);
        var sections = new SectionWriter();
        Assert.True(sections.TryBegin(ref writer, MessageType.DigestAck2));
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter list));
        list.End(ref writer);
        sections.End(ref writer);
        answer.Send(ComponentHarness.AddressOf(2), new NodeId(2), writer.Position);

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.False(sent.Large);
        Assert.Equal(MessageType.DigestAck2, Assert.Single(harness.Sections(sent)).Type);
    }

    [Fact]
    public void Answer_LargerThanADatagram_ToAFrameThatCameOverAStream_GoesBackOnThatStream()
    {
        var harness = new ComponentHarness(maxLargeFrameBytes: 1 << 20);
        WireAddress connection = WireAddress.FromBytes([10, 0, 0, 2], 40_001);
        harness.Frames.AnswerOnStream(connection, ComponentHarness.AddressOf(2));
        harness.Frames.BeginAnswer().Send(ComponentHarness.AddressOf(2), new NodeId(2), harness.Frames.DatagramBodyBytes + 1);
        harness.Frames.EndGuard();

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.True(sent.BackOnStream);
        Assert.Equal(connection, sent.Destination);
        Assert.True(sent.Bytes.Length > harness.Frames.DatagramBytes);
    }

    [Fact]
    public void SmallAnswer_ToAFrameThatCameOverAStream_AlsoGoesBackOnThatStream()
    {
        var harness = new ComponentHarness(maxLargeFrameBytes: 1 << 20);
        WireAddress connection = WireAddress.FromBytes([10, 0, 0, 2], 40_001);
        harness.Frames.AnswerOnStream(connection, default);
        harness.Frames.BeginAnswer().Send(connection, new NodeId(2), 10);
        harness.Frames.EndGuard();

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.True(sent.BackOnStream);
        Assert.Equal(connection, sent.Destination);
    }

    [Fact]
    public void Answer_ToADatagram_IsOneDatagramAtMost_AndNeverOpensAStream()
    {
        var harness = new ComponentHarness(maxLargeFrameBytes: 1 << 20);
        Assert.True(harness.Frames.BeginAnswer().Body.Length <= harness.Frames.DatagramBodyBytes);

        // Once the stream frame's handling ended, its stream is no longer answered on either.
        harness.Frames.AnswerOnStream(WireAddress.FromBytes([10, 0, 0, 2], 40_001), ComponentHarness.AddressOf(2));
        harness.Frames.EndGuard();
        Assert.True(harness.Frames.BeginAnswer().Body.Length <= harness.Frames.DatagramBodyBytes);
        Assert.DoesNotContain(harness.Transport.Sent, frame => frame.Large);
    }

    [Fact]
    public void Answer_OnAStream_ToAnotherDestination_IsWithheldAndCounted()
    {
        var harness = new ComponentHarness(maxLargeFrameBytes: 1 << 20);
        harness.Frames.AnswerOnStream(WireAddress.FromBytes([10, 0, 0, 2], 40_001), ComponentHarness.AddressOf(2));
        harness.Frames.BeginAnswer().Send(ComponentHarness.AddressOf(3), new NodeId(3), harness.Frames.DatagramBodyBytes + 1);
        harness.Frames.EndGuard();

        Assert.Empty(harness.Transport.Sent);
        Assert.Equal(1, harness.Counters.RepliesWithheld);
    }

    [Fact]
    public void Guard_AFrameLargerThanTheRequest_IsWithheldAndCounted_OthersStillGo()
    {
        var harness = new ComponentHarness();
        WireAddress stranger = ComponentHarness.AddressOf(99);
        var alive = new MembershipEvent(MembershipEventKind.Alive, new NodeId(1), 1, 0, new NodeId(1), harness.Self.Address);
        harness.Frames.SendEvent(stranger, NodeId.None, alive);
        int eventFrame = Assert.Single(harness.Transport.Sent).Bytes.Length;
        harness.Transport.Sent.Clear();

        harness.Frames.GuardReplies(stranger, eventFrame - 1);
        harness.Frames.SendEvent(stranger, NodeId.None, alive);
        harness.Frames.SendEvent(ComponentHarness.AddressOf(2), new NodeId(2), alive);
        harness.Frames.EndGuard();

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.Equal(ComponentHarness.AddressOf(2), sent.Destination);
        Assert.Equal(1, harness.Counters.RepliesWithheld);
    }

    [Fact]
    public void Guard_RepliesTogether_NeverExceedTheBytesReceived()
    {
        var harness = new ComponentHarness();
        WireAddress stranger = ComponentHarness.AddressOf(99);
        var alive = new MembershipEvent(MembershipEventKind.Alive, new NodeId(1), 1, 0, new NodeId(1), harness.Self.Address);

        harness.Frames.GuardReplies(stranger, 150);
        for (int i = 0; i < 5; i++)
        {
            harness.Frames.SendEvent(stranger, NodeId.None, alive);
        }

        harness.Frames.EndGuard();

        Assert.InRange(harness.Transport.Sent.Sum(f => f.Bytes.Length), 1, 150);
        Assert.True(harness.Counters.RepliesWithheld > 0);
    }

    [Fact]
    public void Guard_AnAnswer_IsCutToTheRequestsSize_AndNeverOpensAStream()
    {
        var harness = new ComponentHarness(maxLargeFrameBytes: 1 << 20);
        WireAddress stranger = ComponentHarness.AddressOf(99);

        harness.Frames.GuardReplies(stranger, 80);
        Framing.AnswerFrame answer = harness.Frames.BeginAnswer();
        int room = answer.Body.Length;
        harness.Frames.BeginAnswer().Send(stranger, NodeId.None, 200); // a body the answer could not have held: refused, not sent
        harness.Frames.EndGuard();

        Assert.Equal(80 - harness.Codec.Overhead, room);
        Assert.Empty(harness.Transport.Sent);
        Assert.Equal(1, harness.Counters.RepliesWithheld);
    }

    [Fact]
    public void Guard_PerSourceRateLimit_AllowsABurstThenRefillsWithTime()
    {
        var harness = new ComponentHarness();
        WireAddress stranger = ComponentHarness.AddressOf(99);
        var alive = new MembershipEvent(MembershipEventKind.Alive, new NodeId(1), 1, 0, new NodeId(1), harness.Self.Address);
        int Answered(int requests)
        {
            int before = harness.Transport.Sent.Count;
            for (int i = 0; i < requests; i++)
            {
                harness.Frames.GuardReplies(stranger, 1_400);
                harness.Frames.SendEvent(stranger, NodeId.None, alive);
                harness.Frames.EndGuard();
            }

            return harness.Transport.Sent.Count - before;
        }

        Assert.Equal(Framing.ReplyLimiter.BurstPerSource, Answered(20));
        Assert.Equal(20 - Framing.ReplyLimiter.BurstPerSource, harness.Counters.RepliesRateLimited);

        harness.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Framing.ReplyLimiter.PerSourcePerSecond, Answered(20));

        // Another source has its own bucket.
        harness.Frames.GuardReplies(ComponentHarness.AddressOf(98), 1_400);
        harness.Frames.SendEvent(ComponentHarness.AddressOf(98), new NodeId(98), alive);
        harness.Frames.EndGuard();
        Assert.Equal(ComponentHarness.AddressOf(98), harness.Transport.Sent[^1].Destination);
    }
}
