using Gossip.Engine.Runtime;
using Gossip.Engine.Simulation;
using Microsoft.Extensions.Time.Testing;

namespace Gossip.Engine.Tests.Runtime;

/// <summary>
/// A started, multi-threaded node over an in-memory transport whose own scheduler never fires (its fake clock is
/// never advanced), so the only rounds and frames it sees are those a test drives through its own mailbox or scheduler.
/// </summary>
internal sealed class MailboxTestNode : IDisposable
{
    private readonly RoundScheduler _idleScheduler = new();

    public MailboxTestNode(ulong seed = 1, GossipOptions? options = null)
    {
        var network = new SimulatedNetwork(seed);
        Node = new GossipNode(
            options ?? new GossipOptions { AllowPlaintext = true },
            network.CreateTransport(),
            new GossipNodeServices { SingleThreaded = false, Scheduler = _idleScheduler, Time = new FakeTimeProvider(), Random = new SeededRandom(seed) });
        Node.Start();
    }

    public GossipNode Node { get; }

    public void Dispose()
    {
        Node.Dispose();
        _idleScheduler.Dispose();
    }
}
