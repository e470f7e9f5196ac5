using Gossip.Engine.Transport;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Runtime;

/// <summary>
/// A transport whose sends block while its gate is closed: a node sending through it is held inside its executor, so
/// a test can make the node's own mailbox busy through the public API alone. Nothing is delivered anywhere.
/// </summary>
internal sealed class GateTransport : ITransport
{
    private readonly ManualResetEventSlim _open = new(initialState: true);

    public ManualResetEventSlim SendEntered { get; } = new();

    public WireAddress LocalAddress { get; } = WireAddress.FromEndPoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 7000));

    public int MaxDatagramBytes => 1_400;

    public int MaxLargeFrameBytes => 0;

    public TransportCounters Counters { get; } = new();

    public void Close() => _open.Reset();

    public void Open() => _open.Set();

    /// <summary>The receiver the node handed over: the only way frames reach a node.</summary>
    public IFrameReceiver? Receiver { get; private set; }

    public void Start(IFrameReceiver receiver) => Receiver = receiver;

    public bool Send(WireAddress destination, ReadOnlySpan<byte> frame) => Pass();

    public bool SendLarge(WireAddress destination, ReadOnlySpan<byte> frame) => Pass();

    public bool SendAnswer(WireAddress streamSource, ReadOnlySpan<byte> frame) => Pass();

    public void Dispose()
    {
        _open.Set();
        _open.Dispose();
        SendEntered.Dispose();
    }

    private bool Pass()
    {
        SendEntered.Set();
        _open.Wait(MailboxProbe.Patience);
        return true;
    }
}
