using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gossip.LoadGen.Reporting;

/// <summary>Prints a <see cref="TargetsReport"/> as the final table with verdicts, writes reports as JSON, and the rumor chart.</summary>
internal static class TargetsPrinter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,

        // A figure never reached is Infinity and one not measured NaN: say so rather than fail to serialize.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Prints the table.</summary>
    public static void Print(TargetsReport r, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(output);
        string time = r.TimeBase == "virtual" ? " (virtual time)" : "";
        output.WriteLine($"command: {r.CommandLine}");
        Row(output, "nodes / interval / fanout / mode", $"{r.Nodes} / {r.IntervalMs} ms / {r.Fanout} / {r.Mode} on {r.Transport}{time}, {r.Security}, loss {r.Loss:P0}, {r.MachineCores} cores, {r.Date}");
        Row(output, "warm-up until converged", $"{r.WarmupSeconds:F1} s ({r.ConvergedAtWarmupEnd}/{r.Nodes} nodes saw everyone{(r.Converged ? "" : "; NOT converged: timed out")}); steady window {r.WindowSeconds:F1} s, {r.NodeRounds} node-rounds");
        if (r.UnmetPairsAtWarmupEnd > 0 || !r.PairsMet)
        {
            Row(output, "first contacts (encrypted)", $"{r.FirstContactSeconds:F1} s more until every node had opened a frame of every live peer ({r.UnmetPairsAtWarmupEnd} pairs unmet at convergence{(r.PairsMet ? "" : $"; NOT all met: timed out, {r.UnmetPairsAtWindowStart} unmet when the window began")})");
        }

        if (r.StreamsOpenAfterSettle > 0)
        {
            Row(output, "join streams", $"{r.StreamsOpenAfterSettle} connections open after settling; the window waited for them to close{(r.StreamsOpenAtWindowStart == 0 ? "" : $" (timed out: {r.StreamsOpenAtWindowStart} still open)")}");
        }

        Row(output, "CPU per node (% of one core)", $"{r.CpuPercentPerNode:F4} %   (process {r.CpuPercentProcess:F2} %)");
        Row(output, "bandwidth per node", $"{r.BandwidthKBpsPerNode:F3} KB/s   (busiest node {r.BandwidthKBpsBusiestNode:F3} KB/s)");
        Row(output, "datagrams per node per second", $"{r.DatagramsPerNodePerSecond:F2}");
        Row(output, "allocated per round per node", $"{r.AllocatedBytesPerNodeRound:F1} B   GCs gen0/1/2: {r.Gen0Collections}/{r.Gen1Collections}/{r.Gen2Collections}");
        Row(output, "rumor to all nodes p50/p90/p100", $"{r.RumorP50Ms:F1} / {r.RumorP90Ms:F1} / {r.RumorP100Ms:F1} ms = {r.RumorP50Rounds} / {r.RumorP90Rounds} / {r.RumorP100Rounds} rounds, {r.RumorsComplete}/{r.Rumors} complete, {r.RumorDuplicateDeliveries} delivered twice");
        DetectionDistribution d = r.Detection;
        Row(output, "crash detected first, p50/p90/max", $"{d.FirstP50Ms:F0} / {d.FirstP90Ms:F0} / {d.FirstMaxMs:F0} ms over {d.Crashes} crashes, one at a time");
        Row(output, "crash detected by all, p50/p90/max", $"{d.LastP50Ms:F0} / {d.LastP90Ms:F0} / {d.LastMaxMs:F0} ms = {d.LastP50Rounds} / {d.LastP90Rounds} / {d.LastMaxRounds} rounds, {d.DetectedByAll}/{d.Crashes} by every observer");
        Row(output, "  each crash, by all (ms)", $"{string.Join(' ', d.PerCrash.Select(c => c.LastMs.ToString("F0", CultureInfo.InvariantCulture)))}");
        Row(output, "false positives", $"{r.FalsePositives} live nodes declared dead ({r.FalseDeathDeclarations} declarations) over {r.FalsePositiveWindowSeconds:F0} s at loss {r.Loss:P0}");
        output.WriteLine();
        output.WriteLine("verdict:");
        foreach (GoalVerdict v in r.Verdicts)
        {
            Row(output, $"  {v.Figure}", $"{v.Measured,10:G4}  {v.Target,-22} {(v.Met ? "pass" : v.Fatal ? "MISS (fatal)" : "missed")}");
        }

        output.WriteLine(r.SeedTargetsMet
            ? "SEED TARGETS MET (CPU < 2 % and bandwidth < 60 KB/s per node)"
            : "SEED TARGETS MISSED (CPU < 2 % and bandwidth < 60 KB/s per node): exit code 1");
    }

    /// <summary>Writes any report object as indented JSON.</summary>
    public static void WriteJson(object report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, ToJson(report));
    }

    /// <summary>The JSON text of a report.</summary>
    public static string ToJson(object report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(report, report.GetType(), Json);
    }

    /// <summary>Writes the infected-fraction chart of the first rumor into <paramref name="directory"/>.</summary>
    public static void WriteCharts(TargetsReport r, string directory)
    {
        ArgumentNullException.ThrowIfNull(r);
        Directory.CreateDirectory(directory);
        var chart = new SvgChart($"Rumor spread, {r.Nodes} nodes on {r.Transport} ({r.IntervalMs} ms, fanout {r.Fanout})", "ms since origination", "fraction of live nodes informed");
        var points = new List<(double, double)>();
        foreach (double[] p in r.FirstRumorSpread)
        {
            points.Add((p[0], p[1]));
        }

        chart.Add("first rumor", points);
        chart.Save(Path.Combine(directory, $"{r.Command}-rumor-spread-{r.Transport}-{r.Nodes}.svg"));
    }

    private static void Row(TextWriter output, string name, FormattableString value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-46} {string.Format(CultureInfo.InvariantCulture, value.Format, value.GetArguments())}"));
}
