using System.Net;
using Gossip.Engine;
using Gossip.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gossip.Hosting;

/// <summary>Starts the node with the host, joins the configured seeds, and leaves gracefully when the host stops.</summary>
internal sealed class GossipHostedService(GossipNode node, IOptions<GossipHostOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        node.Start();
        IList<string> seeds = options.Value.Seeds;
        if (seeds.Count > 0)
        {
            var addresses = new List<WireAddress>(seeds.Count);
            foreach (string seed in seeds)
            {
                IPEndPoint endPoint = GossipHostOptions.ParseEndPoint(seed, nameof(GossipHostOptions.Seeds));
                addresses.Add(WireAddress.FromEndPoint(endPoint));
            }

            node.Join(addresses);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        node.Leave();
        return Task.CompletedTask;
    }
}
