using System.Globalization;
using System.Text.Json;

namespace Gossip.LoadGen.Reporting;

/// <summary>Prints a <see cref="TargetsReport"/> as a table with verdicts, and writes it as JSON.</summary>
internal static class TargetsPrinter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    // DESIGN.md section 5 goals (not fatal).
    private const double GoalCpu = 0.015;
    private const double GoalBandwidth = 0.25;
    private const double GoalDetectionMs = 3_000;
    private const double GoalRumorMs = 300;

    public static void Print(TargetsReport r, TextWriter output)
    {
        Row(output, "nodes / interval / fanout / mode", $"{r.Nodes} / {r.IntervalMs} ms / {r.Fanout} / {r.Mode} on {r.Transport}, {r.MachineCores} cores, {r.Date}");
        Row(output, "warm-up until converged", $"{r.WarmupSeconds:F1} s ({r.ConvergedAtWarmupEnd}/{r.Nodes} nodes saw everyone); steady window {r.WindowSeconds:F0} s");
        Row(output, "CPU per node (% of one core)", $"{r.CpuPercentPerNode:F4} %   (process {r.CpuPercentProcess:F2} %)   seed < 2 %: {Verdict(r.CpuPercentPerNode < 2)}   goal <= {GoalCpu} %: {Verdict(r.CpuPercentPerNode <= GoalCpu)}");
        Row(output, "bandwidth per node", $"{r.BandwidthKBpsPerNode:F3} KB/s (busiest {r.BandwidthKBpsBusiestNode:F3})   seed < 60: {Verdict(r.BandwidthKBpsPerNode < 60)}   goal <= {GoalBandwidth}: {Verdict(r.BandwidthKBpsPerNode <= GoalBandwidth)}");
        Row(output, "datagrams per node per second", $"{r.DatagramsPerNodePerSecond:F2}");
        Row(output, "allocated per round per node", $"{r.AllocatedBytesPerNodeRound:F1} B   GCs gen0/1/2: {r.Gen0Collections}/{r.Gen1Collections}/{r.Gen2Collections}");
        Row(output, "rumor to all nodes p50/p90/p100", $"{r.RumorP50Ms:F1} / {r.RumorP90Ms:F1} / {r.RumorP100Ms:F1} ms over {r.Rumors}   goal p100 <= {GoalRumorMs} ms: {Verdict(r.RumorP100Ms <= GoalRumorMs)}");
        Row(output, "crash detected first / last", $"{r.DetectionFirstMs:F0} / {r.DetectionLastMs:F0} ms by {r.DetectedBy} nodes   goal <= {GoalDetectionMs} ms: {Verdict(r.DetectionLastMs <= GoalDetectionMs)}");
        Row(output, "false positives", $"{r.FalsePositives}   goal 0: {Verdict(r.FalsePositives == 0)}");
        output.WriteLine(r.SeedTargetsMet ? "SEED TARGETS MET (CPU < 2 % and bandwidth < 60 KB/s per node)" : "SEED TARGETS MISSED");
    }

    public static void WriteJson(object report, string path) => File.WriteAllText(path, JsonSerializer.Serialize(report, report.GetType(), Json));

    private static void Row(TextWriter output, string name, FormattableString value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-34} {string.Format(CultureInfo.InvariantCulture, value.Format, value.GetArguments())}"));

    private static string Verdict(bool ok) => ok ? "pass" : "MISS";
}
