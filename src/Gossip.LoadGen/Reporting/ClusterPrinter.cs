using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gossip.LoadGen.Reporting;

/// <summary>Prints a <see cref="PartReport"/> or a <see cref="ClusterReport"/> as a short table, and reads part reports back from JSON.</summary>
internal static class ClusterPrinter
{
    private static readonly JsonSerializerOptions Read = new()
    {
        // The reports are written by TargetsPrinter.WriteJson: NaN and Infinity are named.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Reads a part report written by <c>part --json</c>.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON of that shape.</exception>
    public static PartReport ReadPart(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<PartReport>(File.ReadAllText(path), Read) ?? throw new InvalidDataException($"{path}: empty report.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a part report ({ex.Message})", ex);
        }
    }

    /// <summary>Prints one process's figures.</summary>
    public static void Print(PartReport r, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"command: {r.CommandLine}");
        Row(output, "run / part / nodes", $"{r.RunId}: part {r.Part} of {r.Parts}, {r.NodesPerPart} nodes here of {r.ClusterNodes}, {r.IntervalMs} ms, fanout {r.Fanout}, {r.Mode}{(r.Encrypted ? ", encrypted" : "")}, {r.MachineCores} cores, load {r.LoadAverageAtWindowStart}, {r.Date}");
        Row(output, "warm-up (nodes here)", $"{r.WarmupSeconds:F1} s, {r.ConvergedAtWindowStart}/{r.Nodes.Count} saw the whole cluster at the start{(r.Converged ? "" : "; NOT converged")}; window {r.WindowSeconds:F1} s");
        Row(output, "CPU per node (% of one core)", $"{r.CpuPercentPerNode:F4} %   (process {r.CpuPercentProcess:F2} %)");
        Row(output, "bandwidth per node", $"{r.BandwidthKBpsPerNode:F3} KB/s   (busiest node here {r.BandwidthKBpsBusiestNode:F3} KB/s)");
        Row(output, "allocated per round per node", $"{r.AllocatedBytesPerNodeRound:F1} B");
        Row(output, "rumor to all nodes here p50/p90/p100", $"{r.RumorP50Ms:F1} / {r.RumorP90Ms:F1} / {r.RumorP100Ms:F1} ms over {r.Rumors.Count} rumors");
        PrintDetection(output, r.Detection, "here");
        Row(output, "false positives seen here", $"{r.FalsePositiveSubjects.Count} live nodes declared dead ({r.FalseDeathDeclarations} declarations) over {r.FalsePositiveWindowSeconds:F0} s");
    }

    /// <summary>Prints the merged figures.</summary>
    public static void Print(ClusterReport r, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(output);
        string missing = r.PartsMissing.Count == 0 ? "" : $"; MISSING parts {string.Join(',', r.PartsMissing)}";
        Row(output, "run / processes / hosts", $"{r.RunId}: {r.Processes.Count}/{r.Parts} processes on {r.Hosts.Count} host(s){missing}, {r.IntervalMs} ms, fanout {r.Fanout}, {r.Mode}{(r.Encrypted ? ", encrypted" : "")}, {r.Date}");
        foreach (ClusterProcessRow p in r.Processes)
        {
            Row(output, $"  part {p.Part}", $"{p.Nodes} nodes on {p.Host} (pid {p.ProcessId}), CPU {p.CpuPercentProcess:F2} %, {p.BandwidthKBpsPerNode:F3} KB/s per node, load {p.LoadAverageAtWindowStart}{(p.Converged ? "" : ", NOT converged")}");
        }

        Row(output, "nodes", $"{r.NodesReported} reported, {r.DistinctNodeIds} distinct, {r.NodesSeeingWholeCluster} saw all {r.ClusterNodes} at the start: {(r.Complete ? "one whole cluster" : "INCOMPLETE")}");
        Row(output, "window", $"{r.WindowSeconds:F1} s, process starts within {r.WindowStartSpreadMs:F0} ms; slowest warm-up {r.WarmupSecondsMax:F1} s");
        Row(output, "CPU per node (% of one core)", $"{r.CpuPercentPerNode:F4} %   (busiest process {r.CpuPercentProcessMax:F2} %)");
        Row(output, "bandwidth per node", $"{r.BandwidthKBpsPerNode:F3} KB/s   (busiest node {r.BandwidthKBpsBusiestNode:F3} KB/s)");
        Row(output, "datagrams per node per second", $"{r.DatagramsPerNodePerSecond:F2}");
        Row(output, "allocated per round per node", $"{r.AllocatedBytesPerNodeRound:F1} B");
        Row(output, "rumor to all nodes p50/p90/p100", $"{r.RumorP50Ms:F1} / {r.RumorP90Ms:F1} / {r.RumorP100Ms:F1} ms, {r.RumorsComplete}/{r.Rumors} complete, {r.RumorDuplicateDeliveries} delivered twice");
        PrintDetection(output, r.Detection, "anywhere");
        Row(output, "false positives", $"{r.FalsePositives} live nodes declared dead ({r.FalseDeathDeclarations} declarations)");
    }

    private static void PrintDetection(TextWriter output, DetectionDistribution d, string where)
    {
        Row(output, $"crash detected first ({where}), p50/p90/max", $"{d.FirstP50Ms:F0} / {d.FirstP90Ms:F0} / {d.FirstMaxMs:F0} ms over {d.Crashes} crashes");
        Row(output, $"crash detected by all ({where}), p50/p90/max", $"{d.LastP50Ms:F0} / {d.LastP90Ms:F0} / {d.LastMaxMs:F0} ms, {d.DetectedByAll}/{d.Crashes} by every observer");
    }

    private static void Row(TextWriter output, string name, FormattableString value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-46} {value.ToString(CultureInfo.InvariantCulture)}"));
}
