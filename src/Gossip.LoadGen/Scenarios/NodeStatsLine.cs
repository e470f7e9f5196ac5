using System.Globalization;
using Gossip.Engine;
using Gossip.Engine.Transport;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// The <c>stats</c> line of the <c>node</c> command: what /proc cannot tell about a node process (precise CPU time from
/// getrusage, GC heap, bytes allocated, collections, datagrams and bytes, and the methods the JIT compiled and its time:
/// what start-up spent compiling that ReadyToRun code did not cover, 0 in a NativeAOT build) as
/// <c>stats key=value ...</c>, and its parser.
/// </summary>
internal readonly record struct NodeStatsLine(
    long CpuMicroseconds,
    long GcHeapBytes,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    long DatagramsSent,
    long DatagramsReceived,
    long BytesSent,
    long BytesReceived,
    int Members,
    long JitMethods,
    long JitMicroseconds)
{
    /// <summary>The prefix every stats line starts with.</summary>
    public const string Prefix = "stats ";

    /// <summary>The line for <paramref name="node"/> now.</summary>
    public static string Format(GossipNode node)
    {
        TransportCounters t = node.TransportCounters;
        var line = new NodeStatsLine(
            (long)Environment.CpuUsage.TotalTime.TotalMicroseconds,
            GC.GetTotalMemory(forceFullCollection: false),
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            t.DatagramsSent,
            t.DatagramsReceived,
            t.BytesSent + t.StreamBytesSent,
            t.BytesReceived + t.StreamBytesReceived,
            node.Members.Count,
            System.Runtime.JitInfo.GetCompiledMethodCount(),
            (long)System.Runtime.JitInfo.GetCompilationTime().TotalMicroseconds);
        return line.ToString();
    }

    /// <summary>Parses a line written by <see cref="Format"/>; false for any other line.</summary>
    public static bool TryParse(string text, out NodeStatsLine stats)
    {
        stats = default;
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string pair in text[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !long.TryParse(pair.AsSpan(eq + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                return false;
            }

            values[pair[..eq]] = value;
        }

        string[] keys = ["cpu_us", "heap", "allocated", "gc0", "gc1", "gc2", "dgram_sent", "dgram_recv", "bytes_sent", "bytes_recv", "members"];
        foreach (string key in keys)
        {
            if (!values.ContainsKey(key))
            {
                return false;
            }
        }

        stats = new NodeStatsLine(
            values["cpu_us"], values["heap"], values["allocated"], (int)values["gc0"], (int)values["gc1"], (int)values["gc2"],
            values["dgram_sent"], values["dgram_recv"], values["bytes_sent"], values["bytes_recv"], (int)values["members"],

            // -1: a node built before the line carried the JIT's figures (embedded --node-exe can run an older build).
            values.GetValueOrDefault("jit_methods", -1),
            values.GetValueOrDefault("jit_us", -1));
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Prefix}cpu_us={CpuMicroseconds} heap={GcHeapBytes} allocated={AllocatedBytes} gc0={Gen0} gc1={Gen1} gc2={Gen2} dgram_sent={DatagramsSent} dgram_recv={DatagramsReceived} bytes_sent={BytesSent} bytes_recv={BytesReceived} members={Members} jit_methods={JitMethods} jit_us={JitMicroseconds}");
}
