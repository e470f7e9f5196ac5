using Gossip.Wire;

namespace Gossip.Engine.Runtime;

/// <summary>
/// Who runs a node's work: its frames, its rounds and the application's calls, one at a time. The
/// <see cref="NodeMailbox"/> serializes callers on any thread; <see cref="InlineExecutor"/> runs everything at once on the
/// caller's thread, for a caller that already serializes (the deterministic simulation).
/// </summary>
internal interface INodeExecutor
{
    /// <summary>Runs (or schedules) one round.</summary>
    void Tick();

    /// <summary>Hands over a received frame; false when it had to be dropped (a full queue).</summary>
    bool PostFrame(WireAddress source, Span<byte> frame, bool viaStream);

    /// <summary>Runs (or queues) an application call against the node's state.</summary>
    void PostCommand(Action<GossipNode> command);

    /// <summary>Frames and calls waiting to run: a node that cannot keep up with what it receives.</summary>
    int Backlog { get; }
}
