using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

public sealed class FrameComposerTests
{
    [Fact]
    public void Send_LoneSection_TravelsAsAPlainFrameOfItsType()
    {
        var harness = new ComponentHarness();
        harness.Frames.SendEvent(ComponentHarness.AddressOf(2), new MembershipEvent(MembershipEventKind.Alive, new NodeId(1), 1, 0, new NodeId(1), harness.Self.Address));

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
        answer.Send(ComponentHarness.AddressOf(2), writer.Position);

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.False(sent.Large);
        Assert.Equal(MessageType.DigestAck2, Assert.Single(harness.Sections(sent)).Type);
    }

    [Fact]
    public void Answer_LargerThanADatagram_GoesOverTheStreamChannel()
    {
        var harness = new ComponentHarness(maxLargeFrameBytes: 1 << 20);
        harness.Frames.BeginAnswer().Send(ComponentHarness.AddressOf(2), harness.Frames.DatagramBodyBytes + 1);

        SentFrame sent = Assert.Single(harness.Transport.Sent);
        Assert.True(sent.Large);
        Assert.True(sent.Bytes.Length > harness.Frames.DatagramBytes);
    }
}
