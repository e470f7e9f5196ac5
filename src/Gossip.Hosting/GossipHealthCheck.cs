using Gossip.Engine;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Gossip.Hosting;

/// <summary>
/// The node's health for the service's health endpoint: Unhealthy when the node is not running (not started yet, or
/// stopped or left), Degraded when its Lifeguard local health score is raised (its own probes go unanswered or peers
/// suspect it: this node, not its peers, is slow) or when it is alone although seeds are configured (it has not
/// joined, or lost every peer), Healthy otherwise. The data carries the figures the verdict was drawn from.
/// </summary>
internal sealed class GossipHealthCheck(GossipNode node, IOptions<GossipHostOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        bool running = node.IsRunning;
        int score = node.LocalHealthScore;
        int live = node.LiveMemberCount;
        int seeds = options.Value.Seeds.Count;
        var data = new Dictionary<string, object>
        {
            ["node"] = node.Id.ToString(),
            ["running"] = running,
            ["live_members"] = live,
            ["local_health_score"] = score,
            ["seeds"] = seeds,
        };
        (HealthStatus status, string description) = Evaluate(running, score, live, seeds);
        if (status == HealthStatus.Unhealthy)
        {
            status = context.Registration.FailureStatus;
        }

        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }

    /// <summary>The verdict and its reason for a node in the given state.</summary>
    internal static (HealthStatus Status, string Description) Evaluate(bool running, int localHealthScore, int liveMembers, int seeds)
    {
        if (!running)
        {
            return (HealthStatus.Unhealthy, "The gossip node is not running (not started, stopped or left).");
        }

        if (localHealthScore > 0)
        {
            return (HealthStatus.Degraded, $"Local health score {localHealthScore}: this node's probes go unanswered or peers suspect it, so it is probably slow itself.");
        }

        if (liveMembers <= 1 && seeds > 0)
        {
            return (HealthStatus.Degraded, $"Alone: no other live member, although {seeds} seed(s) are configured (not joined yet, or cut off).");
        }

        return (HealthStatus.Healthy, $"Running with {liveMembers} live member(s), local health score 0.");
    }
}
