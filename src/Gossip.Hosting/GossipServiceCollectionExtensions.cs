using Gossip.Engine;
using Gossip.Engine.Transport.Udp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gossip.Hosting;

/// <summary>Registers a gossip node with the .NET generic host.</summary>
public static class GossipServiceCollectionExtensions
{
    /// <summary>Adds a <see cref="GossipNode"/> singleton (also as its <see cref="IReplicatedMap"/>) on UDP (with TCP streams) configured from <paramref name="configuration"/> (e.g. the "Gossip" section), started and stopped with the host.</summary>
    public static IServiceCollection AddGossip(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<GossipHostOptions>(configuration);
        return services.AddGossipCore();
    }

    /// <summary>Adds a <see cref="GossipNode"/> singleton on UDP (with TCP streams) configured in code, started and stopped with the host.</summary>
    public static IServiceCollection AddGossip(this IServiceCollection services, Action<GossipHostOptions> configure)
    {
        services.Configure(configure);
        return services.AddGossipCore();
    }

    private static IServiceCollection AddGossipCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(static provider =>
        {
            GossipHostOptions options = provider.GetRequiredService<IOptions<GossipHostOptions>>().Value;
            if (options.KeyFile is { } keyFile)
            {
                options.Node.Keys = KeyFile.Load(keyFile);
            }

            // Without a key file (or keys set in code) this throws ClusterKeyRequiredException unless
            // Node.AllowPlaintext was chosen: a hosted node is encrypted by default.
            options.Node.Validate();
            var transport = new UdpTransport(new UdpTransportOptions
            {
                Bind = options.BindEndPoint(),
                Advertise = options.AdvertiseEndPoint(),
                MaxDatagramBytes = options.Node.MaxDatagramBytes,

                // A hosted node is the only one in its process: a receive thread of its own halves its wake-ups per datagram.
                DedicatedReceiveThread = true,
            });
            ILogger logger = provider.GetService<ILoggerFactory>()?.CreateLogger("Gossip.Engine") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
            return new GossipNode(options.Node, transport, new GossipNodeServices { Logger = logger });
        });
        services.AddSingleton<IReplicatedMap>(static provider => provider.GetRequiredService<GossipNode>());
        services.AddSingleton<IHostedService, GossipHostedService>();
        services.AddSingleton<IHostedService, KeyFileReloader>();
        return services;
    }
}
