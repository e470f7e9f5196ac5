using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>The gate of the receive path (FrameIntake alone): what is dropped, under which status, and what gets through.</summary>
public sealed class FrameIntakeTests
{
    public enum Corruption
    {
        BadMagic,
        BadChecksum,
        WrongCluster,
        OurOwnId,
    }

    [Fact]
    public void TryOpen_AGoodFrameFromAKnownSender_ReturnsTrueWithItsEntryAndCountsIt()
    {
        var receiver = new ComponentHarness();
        Member known = receiver.AddMembers(2)[0];

        bool accepted = Open(receiver, FrameFrom(new ComponentHarness(selfId: 2)), out FrameHeader header, out Member? sender);

        Assert.True(accepted);
        Assert.Same(known, sender);
        Assert.Equal((MessageType.Membership, new NodeId(2), 1u), (header.Type, header.Sender, header.Generation));
        Assert.Equal(1, receiver.Counters.FramesReceived);
        Assert.Equal(0, receiver.Counters.FramesDropped);
    }

    [Fact]
    public void TryOpen_AGoodFrameFromAnUnknownSender_ReturnsTrueWithoutAnEntry()
    {
        var receiver = new ComponentHarness();

        bool accepted = Open(receiver, FrameFrom(new ComponentHarness(selfId: 2)), out _, out Member? sender);

        Assert.True(accepted);
        Assert.Null(sender);
        Assert.Equal(1, receiver.Counters.FramesReceived);
    }

    [Fact]
    public void TryOpen_AFrameFromANewerGenerationOfAKnownSender_IsAccepted()
    {
        var receiver = new ComponentHarness();
        receiver.AddMembers(2);
        var restarted = new ComponentHarness(selfId: 2);
        byte[] frame = Reseal(restarted, FrameFrom(restarted), generation: 2);

        Assert.True(Open(receiver, frame, out _, out Member? sender));
        Assert.NotNull(sender);
    }

    [Fact]
    public void TryOpen_AFrameFromANewerGenerationOfALiveMemberAtItsAddress_RestartsIt()
    {
        var receiver = new ComponentHarness();
        Member member = receiver.AddMembers(2)[0];
        receiver.SetState(member, "k", 3);
        var restarted = new ComponentHarness(selfId: 2);

        Assert.True(Open(receiver, Reseal(restarted, FrameFrom(restarted), generation: 2), out _, out _));

        Assert.Equal(2u, member.Generation);
        Assert.Empty(member.State);
        receiver.AssertTableConsistent();
    }

    [Fact]
    public void TryOpen_AFrameFromANewerGenerationOfALiveMemberFromElsewhere_DoesNotRestartIt()
    {
        var receiver = new ComponentHarness();
        Member member = receiver.AddMembers(2)[0];
        var restarted = new ComponentHarness(selfId: 2);
        byte[] frame = Reseal(restarted, FrameFrom(restarted), generation: 2);

        Assert.True(receiver.Intake.TryOpen(ComponentHarness.AddressOf(99), false, frame, out _, out _, out _));

        Assert.Equal(1u, member.Generation);
    }

    [Theory]
    [InlineData(Corruption.BadMagic, WireStatus.BadMagic)]
    [InlineData(Corruption.BadChecksum, WireStatus.BadChecksum)]
    [InlineData(Corruption.WrongCluster, WireStatus.WrongCluster)]
    [InlineData(Corruption.OurOwnId, WireStatus.Malformed)]
    public void TryOpen_ABadFrame_IsDroppedAndCountedUnderItsStatus(Corruption corruption, WireStatus expected)
    {
        var receiver = new ComponentHarness();
        receiver.AddMembers(2);
        var sender = new ComponentHarness(
            corruption == Corruption.WrongCluster ? new GossipOptions { ClusterId = 2 } : null,
            selfId: corruption == Corruption.OurOwnId ? 1ul : 2ul);
        byte[] frame = FrameFrom(sender);
        if (corruption == Corruption.BadMagic)
        {
            frame[0] ^= 0xFF;
        }
        else if (corruption == Corruption.BadChecksum)
        {
            frame[^1] ^= 0x01;
        }

        bool accepted = Open(receiver, frame, out _, out Member? entry);

        Assert.False(accepted);
        Assert.Null(entry);
        Assert.Equal(1, receiver.Counters.DroppedFor(expected));
        Assert.Equal(1, receiver.Counters.FramesDropped);
        Assert.Equal(0, receiver.Counters.FramesReceived);
    }

    [Fact]
    public void TryOpen_ABodyThatFailsValidation_IsDroppedWholeUnderTheValidatorsStatus()
    {
        var receiver = new ComponentHarness();
        var sender = new ComponentHarness(selfId: 2);
        byte[] frame = new byte[64];
        byte[] body = [0x05, 0x00];
        body.CopyTo(sender.Codec.BodySpan(frame));
        int length = sender.Codec.Seal(frame, MessageType.Membership, FrameFlags.None, new NodeId(2), 1, NodeId.None, body.Length);
        WireStatus expected = BodyValidator.Validate(MessageType.Membership, body, receiver.Node.Limits);

        bool accepted = Open(receiver, frame[..length], out _, out _);

        Assert.NotEqual(WireStatus.Ok, expected);
        Assert.False(accepted);
        Assert.Equal(1, receiver.Counters.DroppedFor(expected));
        Assert.Equal(0, receiver.Counters.FramesReceived);
    }

    [Fact]
    public void TryOpen_AFrameFromAnOlderGenerationOfAKnownSender_IsDroppedAsReplayed()
    {
        var receiver = new ComponentHarness();
        receiver.Members.Add(new NodeId(2), 2, 0, ComponentHarness.AddressOf(2));

        bool accepted = Open(receiver, FrameFrom(new ComponentHarness(selfId: 2)), out _, out _);

        Assert.False(accepted);
        Assert.Equal(1, receiver.Counters.DroppedFor(WireStatus.Replayed));
        Assert.Equal(1, receiver.Counters.FramesDropped);
    }

    [Fact]
    public void TryOpen_AFrameFromAnOlderGenerationOfAKnownSender_IsNotCountedAsReceived()
    {
        var receiver = new ComponentHarness();
        receiver.Members.Add(new NodeId(2), 2, 0, ComponentHarness.AddressOf(2));

        Open(receiver, FrameFrom(new ComponentHarness(selfId: 2)), out _, out _);

        Assert.Equal(0, receiver.Counters.FramesReceived);
    }

    private static byte[] FrameFrom(ComponentHarness sender)
    {
        sender.Frames.SendEvent(ComponentHarness.AddressOf(1), new NodeId(1), DisseminatorTests.Event(MembershipEventKind.Alive, sender.Self.Id.Value));
        return Assert.Single(sender.Transport.Sent).Bytes;
    }

    private static byte[] Reseal(ComponentHarness sender, byte[] frame, uint generation)
    {
        Assert.Equal(WireStatus.Ok, sender.Codec.Open(frame.ToArray(), out FrameHeader header, out ReadOnlySpan<byte> body));
        byte[] copy = new byte[frame.Length];
        body.CopyTo(sender.Codec.BodySpan(copy));
        int length = sender.Codec.Seal(copy, header.Type, FrameFlags.None, header.Sender, generation, NodeId.None, body.Length);
        return copy[..length];
    }

    private static bool Open(ComponentHarness receiver, byte[] frame, out FrameHeader header, out Member? sender) =>
        receiver.Intake.TryOpen(ComponentHarness.AddressOf(2), false, frame, out header, out _, out sender);
}
