using Gossip.Engine.Membership;
using Gossip.Engine.Runtime;
using Gossip.Wire;
using Microsoft.Extensions.Logging;

namespace Gossip.Engine.Framing;

/// <summary>
/// The gate of the receive path: frame check (magic, version, cluster, checksum or AES-GCM tag), a full validation of
/// every section before anything is applied (a frame bad anywhere changes nothing), our own id as sender, and frames
/// of a restarted node's older generation. Whatever fails is dropped and counted by reason.
/// </summary>
internal sealed class FrameIntake
{
    private readonly WireLimits _limits;
    private readonly NodeCounters _counters;
    private readonly NodeId _id;
    private readonly FrameCodec _codec;
    private readonly MembershipState _members;
    private readonly ILogger _logger;

    public FrameIntake(NodeContext node, FrameCodec codec, MembershipState members, ILogger logger)
    {
        _limits = node.Limits;
        _counters = node.Counters;
        _id = node.Id;
        _codec = codec;
        _members = members;
        _logger = logger;
    }

    /// <summary>
    /// Opens and validates a frame; false when it was dropped. <paramref name="sender"/> is the sender's entry when known.
    /// A frame from a member we hold alive, at a newer generation, from its own address is its own word that it
    /// restarted: the member is restarted here, whatever the frame carries (a probe or an ack says it as well as a join).
    /// </summary>
    public bool TryOpen(WireAddress source, bool viaStream, Span<byte> frame, out FrameHeader header, out ReadOnlySpan<byte> body, out Member? sender)
    {
        sender = null;
        WireStatus status = _codec.Open(frame, out header, out body);
        if (status == WireStatus.Ok)
        {
            status = BodyValidator.Validate(header.Type, body, _limits);
        }

        if (status == WireStatus.Ok && header.Sender == _id)
        {
            status = WireStatus.Malformed;
        }

        if (status != WireStatus.Ok)
        {
            _counters.Drop(status);
            Log.Dropped(_logger, source, status);
            return false;
        }

        _members.TryGet(header.Sender, out sender);
        if (sender is not null && sender.Generation > header.Generation)
        {
            // A frame from an older incarnation of a restarted node: its news is stale.
            _counters.Drop(WireStatus.Replayed);
            Log.Dropped(_logger, source, WireStatus.Replayed);
            return false;
        }

        if (sender is not null && sender.Status == MemberStatus.Alive && header.Generation > sender.Generation
            && header.Generation <= _members.GenerationCeiling()
            && MembershipRules.MayRestart(sender, header.Generation, sender.Address, new FrameOrigin(header.Sender, header.Generation, source, viaStream, default)))
        {
            _members.Restart(sender, header.Generation, 0, sender.Address);
        }

        _counters.FramesReceivedValue++;
        return true;
    }
}
