using Gossip.Wire;

namespace Gossip.Engine.Runtime;

/// <summary>Runs a node's work on the calling thread at once: the caller guarantees one call at a time.</summary>
internal sealed class InlineExecutor(GossipNode node) : INodeExecutor
{
    public void Tick() => node.RunRound();

    public bool PostFrame(WireAddress source, Span<byte> frame, bool viaStream)
    {
        node.HandleFrame(source, frame, viaStream);
        return true;
    }

    public void PostCommand(Action<GossipNode> command) => node.Apply(command);

    public int Backlog => 0;
}
