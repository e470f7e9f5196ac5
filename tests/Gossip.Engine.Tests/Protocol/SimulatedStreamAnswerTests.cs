using Gossip.Engine.Simulation;
using Gossip.Engine.Tests.Transport;

namespace Gossip.Engine.Tests.Protocol;

/// <summary>
/// The simulated network keeps the socket transport's stream rule, deterministically: a large answer goes only back
/// to a requester whose request came over the stream (and while that stream is open); a node never opens one to answer.
/// </summary>
public sealed class SimulatedStreamAnswerTests
{
    [Fact]
    public void LargeAnswer_GoesOnlyBackOnAStreamTheRequesterOpened_WhileItIsOpen()
    {
        var network = new SimulatedNetwork(3, new SimulatedNetworkOptions { StreamIdleTimeout = TimeSpan.FromSeconds(5) });
        SimulatedTransport requester = network.CreateTransport();
        SimulatedTransport answerer = network.CreateTransport();
        var received = new RecordingReceiver();
        requester.Start(received);
        answerer.Start(new RecordingReceiver());

        // No request over a stream yet (a datagram request, or none): the answer is dropped, counted, and nothing is opened.
        Assert.False(answerer.SendAnswer(requester.LocalAddress, new byte[5_000]));
        Assert.Equal(1, network.StreamAnswersDropped);
        Assert.Equal(0, answerer.Counters.StreamsDialed);

        // The requester asks over its own stream: the answer goes back on it.
        Assert.True(requester.SendLarge(answerer.LocalAddress, new byte[100]));
        network.RunFor(TimeSpan.FromSeconds(1));
        Assert.True(answerer.SendAnswer(requester.LocalAddress, new byte[5_000]));
        network.RunFor(TimeSpan.FromSeconds(1));
        Assert.Contains(received.Frames, f => f.ViaStream && f.Frame.Length == 5_000 && f.Source == answerer.LocalAddress);
        Assert.Equal(1, requester.Counters.StreamsDialed);
        Assert.Equal(0, answerer.Counters.StreamsDialed);

        // Idle past the timeout, the stream is closed: a late answer is dropped.
        network.RunFor(TimeSpan.FromSeconds(10));
        Assert.False(answerer.SendAnswer(requester.LocalAddress, new byte[5_000]));
        Assert.Equal(2, network.StreamAnswersDropped);
    }
}
