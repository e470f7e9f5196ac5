using System.Net;
using Gossip.Engine;
using Gossip.Engine.Transport.Udp;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>n real nodes in this process, each on its own UDP socket on 127.0.0.1, joined through node 0 or external seeds.</summary>
internal sealed class UdpCluster : IDisposable
{
    private readonly List<GossipNode> _nodes = [];
    private readonly List<bool> _live = [];
    private readonly CancellationTokenSource _stop = new();

    public UdpCluster(int count, Action<GossipOptions> configure, IReadOnlyList<IPEndPoint> externalSeeds, EventRecorder recorder)
    {
        for (int i = 0; i < count; i++)
        {
            var options = new GossipOptions();
            configure(options);
            var transport = new UdpTransport(new UdpTransportOptions { Bind = new IPEndPoint(IPAddress.Loopback, 0), MaxDatagramBytes = options.MaxDatagramBytes });
            var node = new GossipNode(options, transport);
            recorder.Attach(node, _stop.Token);
            node.Start();
            _nodes.Add(node);
            _live.Add(true);
        }

        var seeds = new List<WireAddress>();
        foreach (IPEndPoint seed in externalSeeds)
        {
            seeds.Add(WireAddress.FromEndPoint(seed));
        }

        if (seeds.Count == 0)
        {
            seeds.Add(_nodes[0].Address);
        }

        foreach (GossipNode node in _nodes)
        {
            node.Join(seeds);
        }
    }

    public IReadOnlyList<GossipNode> Nodes => _nodes;

    public int LiveCount
    {
        get
        {
            int live = 0;
            foreach (bool l in _live)
            {
                live += l ? 1 : 0;
            }

            return live;
        }
    }

    public bool IsLive(int index) => _live[index];

    /// <summary>Nodes whose view holds every live node of this cluster as alive.</summary>
    public int ConvergedCount()
    {
        int expected = LiveCount;
        int converged = 0;
        for (int i = 0; i < _nodes.Count; i++)
        {
            converged += _live[i] && _nodes[i].LiveMemberCount >= expected ? 1 : 0;
        }

        return converged;
    }

    /// <summary>Stops a node with no goodbye and closes its socket: a crash.</summary>
    public void Crash(int index)
    {
        _live[index] = false;
        _nodes[index].Dispose();
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (GossipNode node in _nodes)
        {
            node.Dispose();
        }

        _stop.Dispose();
    }
}
