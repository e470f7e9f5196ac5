using System.Net;
using Gossip.Engine;
using Gossip.Wire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gossip.Hosting;

/// <summary>Starts the node with the host, joins the configured seeds, and leaves gracefully when the host stops.</summary>
internal sealed class GossipHostedService(GossipNode node, IOptions<GossipHostOptions> options, ILoggerFactory? loggers = null) : IHostedService
{
    private readonly ILogger _logger = loggers?.CreateLogger(Log.Category) ?? NullLogger.Instance;

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

            Log.Joining(_logger, node.Id, node.Address, seeds.Count, seeds);
            node.Join(addresses);
        }
        else
        {
            Log.StartingAlone(_logger, node.Id, node.Address);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Leaving(_logger, node.Id);
        node.Leave();
        return Task.CompletedTask;
    }
}
