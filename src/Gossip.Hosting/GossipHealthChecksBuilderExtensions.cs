using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gossip.Hosting;

/// <summary>Adds the gossip node's health check to the service's health checks.</summary>
public static class GossipHealthChecksBuilderExtensions
{
    /// <summary>The default registration name of the check.</summary>
    public const string DefaultName = "gossip";

    /// <summary>
    /// Adds a check of the node registered by <c>AddGossip</c>: Healthy when it runs with local health score 0 and,
    /// when seeds are configured, at least one other live member; Degraded when its local health score is raised or it
    /// is alone although seeds are configured; <paramref name="failureStatus"/> (default Unhealthy) when it is not
    /// running (not started, stopped or left).
    /// </summary>
    public static IHealthChecksBuilder AddGossipHealthCheck(this IHealthChecksBuilder builder, string name = DefaultName, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.AddCheck<GossipHealthCheck>(name, failureStatus ?? HealthStatus.Unhealthy, tags ?? []);
    }
}
