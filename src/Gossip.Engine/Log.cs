using Gossip.Wire;
using Microsoft.Extensions.Logging;

namespace Gossip.Engine;

/// <summary>
/// Source-generated log messages (category <c>Gossip.Engine</c>): no boxing or formatting unless the level is enabled.
/// Event ids are stable and never reused (3, a warning of an early version, is retired); the hosting layer's start at
/// 101. docs/operations.md lists them all.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Gossip node {Node} generation {Generation} started at {Address}")]
    public static partial void Started(ILogger logger, NodeId node, uint generation, WireAddress address);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Member {Member} is {Status}")]
    public static partial void MemberChanged(ILogger logger, NodeId member, GossipEventKind status);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Gossip node {Node} runs in PLAINTEXT (GossipOptions.AllowPlaintext): frames are not authenticated, anyone who reaches {Address} can speak for any member")]
    public static partial void Plaintext(ILogger logger, NodeId node, WireAddress address);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Dropped a frame from {Source}: {Status}")]
    public static partial void Dropped(ILogger logger, WireAddress source, WireStatus status);
}
