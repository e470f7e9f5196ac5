using System.Globalization;
using System.Text.Json;
using Gossip.Engine;
using Gossip.Engine.Diagnostics;
using Gossip.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

// A service that embeds a gossip node (nodes need a cluster key: one shared key file, here /tmp/cluster.key):
//   openssl rand -hex 32 > /tmp/cluster.key
//   dotnet run --project samples/Gossip.Samples.Service -- --urls http://127.0.0.1:5080 --Gossip:Bind 127.0.0.1:7946 --Gossip:KeyFile /tmp/cluster.key
//   dotnet run --project samples/Gossip.Samples.Service -- --urls http://127.0.0.1:5081 --Gossip:Bind 127.0.0.1:7947 --Gossip:Seeds:0 127.0.0.1:7946 --Gossip:KeyFile /tmp/cluster.key
// then GET /health (Healthy, Degraded or Unhealthy, with the figures) and GET /members (JSON); the Gossip.Engine meter
// is printed by OpenTelemetry's console exporter every Metrics:ExportSeconds (10 s by default).
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Services.AddGossip(builder.Configuration.GetSection("Gossip"));
builder.Services.AddHealthChecks().AddGossipHealthCheck();
int exportSeconds = builder.Configuration.GetValue("Metrics:ExportSeconds", 10);
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("gossip-sample"))
    .WithMetrics(metrics => metrics
        .AddMeter(GossipMetrics.MeterName)
        .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = exportSeconds * 1000));

WebApplication app = builder.Build();
app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });
app.MapGet("/members", static (GossipNode node) => Results.Json(new
{
    self = node.Id.ToString(),
    live = node.LiveMemberCount,
    localHealthScore = node.LocalHealthScore,
    members = node.Members.Select(static m => new
    {
        id = m.Id.ToString(),
        status = m.Status.ToString().ToLowerInvariant(),
        address = m.Address.ToString(),
        generation = m.Generation,
        incarnation = m.Incarnation,
    }),
}));
await app.RunAsync();

// The health report as JSON: the overall status and, per check, its status, description and figures.
static Task WriteHealthAsync(HttpContext context, HealthReport report)
{
    context.Response.ContentType = "application/json";
    var body = new
    {
        status = report.Status.ToString(),
        checks = report.Entries.ToDictionary(
            static e => e.Key,
            static e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.ToDictionary(static d => d.Key, static d => Convert.ToString(d.Value, CultureInfo.InvariantCulture)),
            }),
    };
    return context.Response.WriteAsync(JsonSerializer.Serialize(body));
}
