using Gossip.LoadGen.Measurement;
using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Reporting;

/// <summary>
/// Combines the <see cref="PartReport"/>s of one multi-process run into a <see cref="ClusterReport"/>. Pure: sums and
/// extremes of what the processes recorded, times compared as Unix ms (so across hosts as well as their clocks agree).
/// </summary>
internal static class ClusterMerge
{
    /// <summary>Merges <paramref name="parts"/>.</summary>
    /// <exception cref="InvalidDataException">The reports are not of one run: another shape, other run ids or sizes, or one part twice.</exception>
    public static ClusterReport Merge(IReadOnlyList<PartReport> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new InvalidDataException("No part reports to merge.");
        }

        PartReport head = parts[0];
        var byPart = new SortedDictionary<int, PartReport>();
        foreach (PartReport p in parts)
        {
            if (p.Kind != "part" || p.Format != PartReport.CurrentFormat)
            {
                throw new InvalidDataException($"Not a part report of format {PartReport.CurrentFormat}: kind '{p.Kind}', format {p.Format}.");
            }

            if (p.RunId != head.RunId || p.Parts != head.Parts || p.NodesPerPart != head.NodesPerPart)
            {
                throw new InvalidDataException($"Reports of different runs: run '{p.RunId}' ({p.Parts} x {p.NodesPerPart}) beside run '{head.RunId}' ({head.Parts} x {head.NodesPerPart}).");
            }

            if (p.Part < 0 || p.Part >= p.Parts || !byPart.TryAdd(p.Part, p))
            {
                throw new InvalidDataException($"Part {p.Part} is out of range or given twice.");
            }
        }

        var missing = new List<int>();
        for (int part = 0; part < head.Parts; part++)
        {
            if (!byPart.ContainsKey(part))
            {
                missing.Add(part);
            }
        }

        var processes = new List<ClusterProcessRow>();
        var hosts = new SortedSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        int nodes = 0, seeingAll = 0, duplicates = 0, falseDeclarations = 0;
        double cpuSeconds = 0, windowSum = 0, cpuProcessMax = 0, busiest = 0, warmupMax = 0;
        double firstStart = double.PositiveInfinity, lastStart = double.NegativeInfinity;
        long wireBytes = 0, datagrams = 0, nodeRounds = 0, allocated = 0;
        bool converged = true;
        var falseSubjects = new SortedSet<string>(StringComparer.Ordinal);
        foreach (PartReport p in byPart.Values)
        {
            processes.Add(new ClusterProcessRow
            {
                Part = p.Part,
                Host = p.Host,
                ProcessId = p.ProcessId,
                Nodes = p.Nodes.Count,
                CpuPercentProcess = p.CpuPercentProcess,
                BandwidthKBpsPerNode = p.BandwidthKBpsPerNode,
                Converged = p.Converged,
                WindowStartUnixMs = p.WindowStartUnixMs,
                LoadAverageAtWindowStart = p.LoadAverageAtWindowStart,
                CommandLine = p.CommandLine,
            });
            hosts.Add(p.Host);
            foreach (PartNodeRow row in p.Nodes)
            {
                nodes++;
                ids.Add(row.Id);
                seeingAll += row.LiveMembersAtWindowStart >= p.ClusterNodes ? 1 : 0;
                busiest = Math.Max(busiest, row.KBps);
            }

            cpuSeconds += p.CpuSeconds;
            windowSum += p.WindowSeconds;
            cpuProcessMax = Math.Max(cpuProcessMax, p.CpuPercentProcess);
            warmupMax = Math.Max(warmupMax, p.WarmupSeconds);
            firstStart = Math.Min(firstStart, p.WindowStartUnixMs);
            lastStart = Math.Max(lastStart, p.WindowStartUnixMs);
            wireBytes += p.WireBytes;
            datagrams += p.DatagramsSent;
            nodeRounds += p.NodeRounds;
            allocated += p.AllocatedBytes;
            converged &= p.Converged;
            duplicates += p.RumorDuplicateDeliveries;
            falseDeclarations += p.FalseDeathDeclarations;
            falseSubjects.UnionWith(p.FalsePositiveSubjects);
        }

        double window = windowSum / byPart.Count;
        List<ClusterRumorRow> rumors = MergeRumors(byPart);
        var rumorMs = new List<double>(rumors.Count);
        int complete = 0;
        foreach (ClusterRumorRow r in rumors)
        {
            rumorMs.Add(r.LastMs);
            complete += double.IsFinite(r.LastMs) ? 1 : 0;
        }

        return new ClusterReport
        {
            RunId = head.RunId,
            Parts = head.Parts,
            PartsMissing = missing,
            ClusterNodes = head.ClusterNodes,
            NodesReported = nodes,
            DistinctNodeIds = ids.Count,
            NodesSeeingWholeCluster = seeingAll,
            Complete = missing.Count == 0 && ids.Count == head.ClusterNodes && nodes == head.ClusterNodes && seeingAll == head.ClusterNodes,
            Hosts = [.. hosts],
            IntervalMs = head.IntervalMs,
            Fanout = head.Fanout,
            Mode = head.Mode,
            Encrypted = head.Encrypted,
            Date = head.Date,
            Processes = processes,
            Converged = converged,
            WarmupSecondsMax = warmupMax,
            WindowSeconds = window,
            WindowStartSpreadMs = lastStart - firstStart,
            CpuSeconds = cpuSeconds,
            CpuPercentPerNode = nodes == 0 ? double.NaN : cpuSeconds / window / nodes * 100.0,
            CpuPercentProcessMax = cpuProcessMax,
            WireBytes = wireBytes,
            BandwidthKBpsPerNode = nodes == 0 ? double.NaN : wireBytes / window / nodes / 1000.0,
            BandwidthKBpsBusiestNode = busiest,
            DatagramsPerNodePerSecond = nodes == 0 ? double.NaN : datagrams / window / nodes,
            NodeRounds = nodeRounds,
            AllocatedBytesPerNodeRound = SteadyStateFigures.AllocatedBytesPerNodeRound(allocated, nodeRounds),
            Rumors = rumors.Count,
            RumorsComplete = complete,
            RumorP50Ms = Percentiles.Of(rumorMs, 50),
            RumorP90Ms = Percentiles.Of(rumorMs, 90),
            RumorP100Ms = Percentiles.Of(rumorMs, 100),
            RumorDuplicateDeliveries = duplicates,
            RumorRows = rumors,
            Detection = DetectionDistribution.Of(MergeCrashes(byPart, TimeSpan.FromMilliseconds(head.IntervalMs))),
            FalsePositives = falseSubjects.Count,
            FalsePositiveSubjects = [.. falseSubjects],
            FalseDeathDeclarations = falseDeclarations,
        };
    }

    private static List<ClusterRumorRow> MergeRumors(SortedDictionary<int, PartReport> byPart)
    {
        var rows = new List<ClusterRumorRow>();
        int count = 0;
        foreach (PartReport p in byPart.Values)
        {
            count = Math.Max(count, p.Rumors.Count);
        }

        for (int k = 0; k < count; k++)
        {
            string origin = "";
            double originated = double.NaN, planned = double.NaN, last = double.NegativeInfinity;
            int expected = 0, received = 0;
            foreach (PartReport p in byPart.Values)
            {
                if (k >= p.Rumors.Count)
                {
                    continue;
                }

                PartRumorRow r = p.Rumors[k];
                origin = r.Origin;
                planned = r.PlannedUnixMs;
                if (p.Part == r.OriginPart)
                {
                    originated = r.OriginatedUnixMs;
                }

                expected += r.Expected;
                received += r.Received;
                if (!double.IsNaN(r.LastUnixMs))
                {
                    last = Math.Max(last, r.LastUnixMs);
                }
            }

            double from = double.IsNaN(originated) ? planned : originated;
            rows.Add(new ClusterRumorRow
            {
                Number = k,
                Origin = origin,
                OriginatedUnixMs = from,
                Expected = expected,
                Received = received,
                LastMs = received < expected ? double.PositiveInfinity : expected == 0 ? 0 : last - from,
            });
        }

        return rows;
    }

    private static List<CrashDetection> MergeCrashes(SortedDictionary<int, PartReport> byPart, TimeSpan interval)
    {
        var detections = new List<CrashDetection>();
        int count = 0;
        foreach (PartReport p in byPart.Values)
        {
            count = Math.Max(count, p.Crashes.Count);
        }

        for (int k = 0; k < count; k++)
        {
            int victim = -1, expected = 0, detectedBy = 0;
            double crashed = double.NaN, planned = double.NaN, first = double.PositiveInfinity, last = double.NegativeInfinity;
            foreach (PartReport p in byPart.Values)
            {
                if (k >= p.Crashes.Count)
                {
                    continue;
                }

                PartCrashRow c = p.Crashes[k];
                victim = c.VictimGlobalIndex;
                planned = c.PlannedUnixMs;
                if (p.Part == c.VictimPart)
                {
                    crashed = c.CrashedUnixMs;
                }

                expected += c.Expected;
                detectedBy += c.DetectedBy;
                if (!double.IsNaN(c.FirstUnixMs))
                {
                    first = Math.Min(first, c.FirstUnixMs);
                    last = Math.Max(last, c.LastUnixMs);
                }
            }

            double from = double.IsNaN(crashed) ? planned : crashed;
            bool all = detectedBy >= expected && detectedBy > 0;
            detections.Add(PartRun.Detection(victim, from, detectedBy > 0 ? first : double.NaN, all ? last : double.NaN, detectedBy, expected, interval));
        }

        return detections;
    }
}
