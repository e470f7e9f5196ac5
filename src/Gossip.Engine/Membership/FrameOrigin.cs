using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>
/// Where the news being applied came from: the frame's sender and generation, the address it came from (for a stream
/// frame, the connection's remote end, whose port is not the sender's), and where to answer. News about a member is
/// first-hand when the member sent it itself, at the generation it claims, from the address it claims (its host, for a
/// stream frame, where the handshake has proven the host but the port is ephemeral). <see cref="FromInsider"/>: the
/// frame opened under the cluster key, or came from a member we hold live, from the address we hold for it; in
/// plaintext, anyone else is an outsider, whose news of third parties is not taken.
/// </summary>
internal readonly record struct FrameOrigin(NodeId Sender, uint Generation, WireAddress Source, bool ViaStream, WireAddress ReplyTo, bool FromInsider = false)
{
    /// <summary>News relayed by another member: second-hand for every member it names.</summary>
    public static FrameOrigin Relayed(WireAddress replyTo) => new(NodeId.None, 0, default, false, replyTo, FromInsider: true);

    /// <summary>The origin of a frame that passed intake: <paramref name="sender"/> is its sender's entry, if we hold one.</summary>
    public static FrameOrigin Of(in FrameHeader header, WireAddress source, bool viaStream, WireAddress replyTo, Member? sender, bool keyed)
    {
        var origin = new FrameOrigin(header.Sender, header.Generation, source, viaStream, replyTo);
        bool insider = keyed || (sender is { IsLive: true } && origin.IsFrom(sender.Id, sender.Generation, sender.Address));
        return origin with { FromInsider = insider };
    }

    /// <summary>True when <paramref name="subject"/> itself sent this, at <paramref name="generation"/>, from <paramref name="address"/>.</summary>
    public bool IsFrom(NodeId subject, uint generation, WireAddress address) =>
        !subject.IsNone && Sender == subject && Generation == generation && !Source.IsNone
        && (ViaStream ? SameHost(Source, address) : Source == address);

    /// <summary>True when both addresses name the same host (any port).</summary>
    public static bool SameHost(WireAddress a, WireAddress b)
    {
        if (a.Family != b.Family)
        {
            return false;
        }

        Span<byte> x = stackalloc byte[16];
        Span<byte> y = stackalloc byte[16];
        int length = a.CopyAddressBytes(x);
        return length == b.CopyAddressBytes(y) && x[..length].SequenceEqual(y[..length]);
    }
}
