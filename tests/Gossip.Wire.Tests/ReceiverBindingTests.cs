namespace Gossip.Wire.Tests;

/// <summary>
/// Encrypted frames are bound to the node they were sealed for: a frame captured on its way to one node does not open at
/// another (whose replay window has not seen it), and one sealed for any receiver says so in its authenticated header.
/// </summary>
public sealed class ReceiverBindingTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly NodeId NodeA = new(0xA);
    private static readonly NodeId NodeB = new(0xB);

    private static byte[] SealPing(FrameCodec codec, NodeId receiver)
    {
        byte[] frame = new byte[128];
        var writer = new GossipWriter(codec.BodySpan(frame));
        Assert.True(Samples.Ping.TryWrite(ref writer));
        return frame[..codec.Seal(frame, MessageType.Ping, FrameFlags.None, Samples.Sender, 1, receiver, writer.Position)];
    }

    [Fact]
    public void FrameSealedForA_OpensAtA_AndFailsAtB()
    {
        using var ring = new KeyRing(1, Key);
        var sender = new FrameCodec(1, ring);
        byte[] frame = SealPing(sender, NodeA);
        Assert.Equal(0, (byte)((FrameFlags)frame[4] & FrameFlags.AnyReceiver));

        using var ringA = new KeyRing(1, Key);
        using var ringB = new KeyRing(1, Key);
        var atA = new FrameCodec(1, ringA) { LocalId = NodeA };
        var atB = new FrameCodec(1, ringB) { LocalId = NodeB };
        Assert.Equal(WireStatus.AuthenticationFailed, atB.Open((byte[])frame.Clone(), out _, out _));
        Assert.Equal(WireStatus.Ok, atA.Open((byte[])frame.Clone(), out _, out _));

        // B's refusal did not mark the counter: a later frame sealed for B still opens there.
        Assert.Equal(WireStatus.Ok, atB.Open(SealPing(sender, NodeB), out _, out _));
        Assert.Equal(1, atB.ReplaySenders);
    }

    [Fact]
    public void FrameForAnyReceiver_CarriesTheFlag_AndOpensAnywhere()
    {
        using var ring = new KeyRing(1, Key);
        byte[] frame = SealPing(new FrameCodec(1, ring), NodeId.None);
        using var ringA = new KeyRing(1, Key);
        var atA = new FrameCodec(1, ringA) { LocalId = NodeA };
        Assert.Equal(WireStatus.Ok, atA.Open(frame, out FrameHeader header, out _));
        Assert.Equal(FrameFlags.Encrypted | FrameFlags.AnyReceiver, header.Flags);
    }

    [Fact]
    public void ClearingTheAnyReceiverFlag_FailsAuthentication_AndSettingItOnABoundFrameToo()
    {
        using var ring = new KeyRing(1, Key);
        var sender = new FrameCodec(1, ring);
        using var ringA = new KeyRing(1, Key);
        var atA = new FrameCodec(1, ringA) { LocalId = NodeA };

        // The flag is in the authenticated header: an outsider cannot turn a frame for anyone into one for A, nor a
        // frame for A into one for anyone.
        byte[] forAnyone = SealPing(sender, NodeId.None);
        forAnyone[4] &= unchecked((byte)~FrameFlags.AnyReceiver);
        Assert.Equal(WireStatus.AuthenticationFailed, atA.Open(forAnyone, out _, out _));

        byte[] forA = SealPing(sender, NodeA);
        forA[4] |= (byte)FrameFlags.AnyReceiver;
        Assert.Equal(WireStatus.AuthenticationFailed, atA.Open(forA, out _, out _));
    }

    [Fact]
    public void PlainFrames_NameNoReceiver_AndRefuseTheFlag()
    {
        var plain = new FrameCodec(1) { LocalId = NodeA };
        byte[] forB = SealPing(plain, NodeB);
        Assert.Equal(0, (byte)((FrameFlags)forB[4] & FrameFlags.AnyReceiver));
        Assert.Equal(WireStatus.Ok, plain.Open((byte[])forB.Clone(), out _, out _));

        byte[] flagged = SealPing(plain, NodeId.None);
        Assert.Equal(0, (byte)((FrameFlags)flagged[4] & FrameFlags.AnyReceiver));
        flagged[4] |= (byte)FrameFlags.AnyReceiver;
        Assert.Equal(WireStatus.Malformed, plain.Open(flagged, out _, out _));
    }

    [Fact]
    public void ToolsOpenAFrameForTheNodeItWasCapturedOn()
    {
        using var ring = new KeyRing(1, Key);
        byte[] frame = SealPing(new FrameCodec(1, ring), NodeA);
        using var toolRing = new KeyRing(1, Key);
        var tool = new FrameCodec(1, toolRing, replaySenders: 0);
        Assert.Equal(WireStatus.AuthenticationFailed, tool.Open((byte[])frame.Clone(), out _, out _));
        Assert.Equal(WireStatus.Ok, tool.Open((byte[])frame.Clone(), NodeA, out _, out _));
    }
}
