using Gossip.Wire;
using Microsoft.Extensions.Logging;

namespace Gossip.Hosting;

/// <summary>
/// Source-generated log messages of the hosting layer, category <c>Gossip.Hosting</c>. Event ids are stable and never
/// reused: the engine's are below 100, the hosting layer's from 101 (docs/operations.md lists them all).
/// </summary>
internal static partial class Log
{
    /// <summary>The logger category of the hosting layer.</summary>
    public const string Category = "Gossip.Hosting";

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Gossip node {Node} at {Address} joining through {SeedCount} seed(s): {Seeds}")]
    public static partial void Joining(ILogger logger, NodeId node, WireAddress address, int seedCount, IEnumerable<string> seeds);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Gossip node {Node} at {Address} has no seeds: it starts a new cluster")]
    public static partial void StartingAlone(ILogger logger, NodeId node, WireAddress address);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Gossip node {Node} leaving its cluster as the host stops")]
    public static partial void Leaving(ILogger logger, NodeId node);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Gossip node {Node} applied key file {Path}: keys {KeyIds}, primary {Primary}")]
    public static partial void KeysReloaded(ILogger logger, NodeId node, string path, IEnumerable<byte> keyIds, byte primary);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Gossip node {Node} kept its keys: key file {Path} could not be applied")]
    public static partial void KeyFileRejected(ILogger logger, Exception error, NodeId node, string path);
}
