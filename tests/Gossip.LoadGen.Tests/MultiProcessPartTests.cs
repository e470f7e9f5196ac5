using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Tests;

/// <summary>
/// Four OS processes running <c>Gossip.LoadGen part</c> with 32 nodes each on 127.0.0.1 (real UDP and TCP) form one
/// 128-node cluster; their reports merge into one that covers every node once, whose sums are the sums of the parts,
/// and whose rumors and crashes were seen by the nodes of every process. No timing is asserted.
/// </summary>
[Collection(nameof(MultiProcessTests))]
public sealed class MultiProcessPartTests
{
    private const int Parts = 4;
    private const int Nodes = 32;
    private const string RunId = "test-4x32";

    [Fact]
    public void FourProcessesOf32_FormOne128NodeCluster_AndTheirReportsMerge()
    {
        string dir = Directory.CreateTempSubdirectory("gossip-parts-").FullName;
        int basePort = FreePortRange(Nodes);
        var processes = new Process[Parts];
        var outputs = new ChildProcessOutput[Parts];
        string[] reports = [.. Enumerable.Range(0, Parts).Select(p => Path.Combine(dir, $"part{p}.json"))];

        // Encrypted, as a real run is: every process reads the same cluster key.
        string keyFile = Path.Combine(dir, "cluster.key");
        File.WriteAllText(keyFile, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        try
        {
            for (int p = 0; p < Parts; p++)
            {
                string bind = p == 0 ? $"127.0.0.1:{basePort}" : "127.0.0.1:0";
                processes[p] = Start(
                    "part", "--part", p.ToString(CultureInfo.InvariantCulture), "--parts", $"{Parts}", "--nodes", $"{Nodes}", "--run-id", RunId,
                    "--bind", bind, "--seeds", $"127.0.0.1:{basePort}", "--duration", "3", "--rumors", "2", "--crashes", "2", "--crash-spacing", "8",
                    "--key-file", keyFile, "--json", reports[p], "--quiet");
                outputs[p] = new ChildProcessOutput(processes[p]);
            }

            for (int p = 0; p < Parts; p++)
            {
                Assert.True(processes[p].WaitForExit(240_000), $"part {p} did not finish");
                Assert.Equal(0, processes[p].ExitCode);
            }
        }
        finally
        {
            foreach (Process process in processes)
            {
                if (process is not null && !process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process?.Dispose();
            }
        }

        PartReport[] parts = [.. reports.Select(ClusterPrinter.ReadPart)];
        var plan = new PartPlan
        {
            RunId = RunId, Parts = Parts, NodesPerPart = Nodes, Seed = 1, Interval = TimeSpan.FromMilliseconds(200), Window = TimeSpan.FromSeconds(3),
            Rumors = 2, RumorSpacing = TimeSpan.FromSeconds(2), Crashes = 2, CrashSpacing = TimeSpan.FromSeconds(8),
        };
        for (int p = 0; p < Parts; p++)
        {
            Assert.Equal(p, parts[p].Part);
            Assert.Equal(Nodes, parts[p].Nodes.Count);
            foreach (PartNodeRow row in parts[p].Nodes)
            {
                // The ids are the plan's, so every process could name every other process's nodes.
                Assert.Equal(plan.IdOf(p, row.Index).ToString(), row.Id);
                Assert.True(row.Rounds > 0 && row.WireBytes > 0, $"part {p} node {row.Index} was idle in the window");
            }
        }

        string merged = Path.Combine(dir, "cluster.json");
        Assert.Equal(0, LoadGenApp.Run(["merge", .. reports, "--json", merged], TextWriter.Null, TextWriter.Null));
        Assert.True(File.Exists(merged));
        ClusterReport c = ClusterMerge.Merge(parts);

        // One cluster of 128: every node reported once, and every node listed all 128 as live when the window began.
        Assert.Empty(c.PartsMissing);
        Assert.Equal(Parts, c.Processes.Count);
        Assert.Equal(128, c.ClusterNodes);
        Assert.Equal(128, c.NodesReported);
        Assert.Equal(128, c.DistinctNodeIds);
        Assert.Equal(128, c.NodesSeeingWholeCluster);
        Assert.True(c.Complete);

        // The merged sums are the sums of the parts, and of their node rows.
        Assert.Equal(parts.Sum(p => p.WireBytes), c.WireBytes);
        Assert.Equal(parts.Sum(p => p.Nodes.Sum(n => n.WireBytes)), c.WireBytes);
        Assert.Equal(parts.Sum(p => p.NodeRounds), c.NodeRounds);
        Assert.Equal(parts.Sum(p => p.CpuSeconds), c.CpuSeconds, 9);
        Assert.Equal(c.WireBytes / c.WindowSeconds / 128 / 1000, c.BandwidthKBpsPerNode, 9);

        // Each rumor reached the 127 other nodes, in all four processes.
        Assert.Equal(2, c.Rumors);
        foreach (ClusterRumorRow r in c.RumorRows)
        {
            Assert.Equal(127, r.Expected);
            Assert.Equal(127, r.Received);
        }

        // Each crash was done by its victim's process and watched by the nodes of every process.
        Assert.Equal(2, c.Detection.Crashes);
        for (int k = 0; k < 2; k++)
        {
            CrashDetection d = c.Detection.PerCrash[k];
            Assert.Equal(parts.Sum(p => p.Crashes[k].Expected), d.Expected);
            Assert.Equal(parts.Sum(p => p.Crashes[k].DetectedBy), d.DetectedBy);
            foreach (PartReport p in parts)
            {
                PartCrashRow row = p.Crashes[k];
                Assert.Equal(plan.CrashPlan[k].Part, row.VictimPart);
                Assert.Equal(p.Part == row.VictimPart, double.IsFinite(row.CrashedUnixMs));
                Assert.True(row.Expected > 0 && row.DetectedBy > 0, $"part {p.Part} saw no detection of crash {k}");
            }
        }

        Directory.Delete(dir, recursive: true);
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(LoadGenApp).Assembly.Location);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    // Part 0 binds `count` consecutive ports from a known base (the seed); below the ephemeral range, so the other
    // processes' any-port binds cannot take them meanwhile.
    private static int FreePortRange(int count)
    {
        var random = new Random();
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int first = random.Next(20_000, 32_000 - count);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException("No free port range.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
