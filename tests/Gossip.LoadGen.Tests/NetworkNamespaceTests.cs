using System.Diagnostics;
using Xunit.Abstractions;

namespace Gossip.LoadGen.Tests;

/// <summary>
/// Three network namespaces (test hosts 10.77.0.1-3) joined by veth pairs to a bridge, one <c>node</c> process in
/// each: they form a cluster, one host's link goes down (the others declare it dead) and back up (it refutes and
/// is alive again everywhere). Needs root on Linux and iproute2; otherwise it says why and does nothing.
/// Only addresses inside these namespaces are used.
/// </summary>
[Collection(nameof(MultiProcessTests))]
public sealed class NetworkNamespaceTests(ITestOutputHelper output)
{
    private const string Prefix = "gpt";

    [Fact]
    public void ThreeNamespaces_FormACluster_SurviveALinkDownAndUp()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || !File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip"))
        {
            output.WriteLine("SKIPPED: needs root on Linux with iproute2 (ip netns).");
            return;
        }

        string bridge = $"{Prefix}br{Environment.ProcessId % 1000}";
        string[] names = [$"{Prefix}a{Environment.ProcessId % 1000}", $"{Prefix}b{Environment.ProcessId % 1000}", $"{Prefix}c{Environment.ProcessId % 1000}"];
        try
        {
            if (!Ip($"link add {bridge} type bridge") || !Ip($"link set {bridge} up"))
            {
                output.WriteLine("SKIPPED: cannot create a bridge here (no CAP_NET_ADMIN in this sandbox).");
                return;
            }

            for (int i = 0; i < 3; i++)
            {
                string ns = names[i];
                Assert.True(Ip($"netns add {ns}"));
                Assert.True(Ip($"link add {ns}h type veth peer name {ns}n"));
                Assert.True(Ip($"link set {ns}n netns {ns}"));
                Assert.True(Ip($"link set {ns}h master {bridge}"));
                Assert.True(Ip($"link set {ns}h up"));
                Assert.True(Ip($"-n {ns} addr add 10.77.0.{i + 1}/24 dev {ns}n"));
                Assert.True(Ip($"-n {ns} link set {ns}n up"));
                Assert.True(Ip($"-n {ns} link set lo up"));
            }

            var nodes = new NodeInNamespace[3];
            string[] ids = ["000000000000a001", "000000000000a002", "000000000000a003"];
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    nodes[i] = new NodeInNamespace(names[i], $"10.77.0.{i + 1}:7946", ids[i], i == 0 ? null : "10.77.0.1:7946");
                }

                for (int i = 0; i < 3; i++)
                {
                    for (int j = 0; j < 3; j++)
                    {
                        if (i != j)
                        {
                            Assert.True(nodes[i].WaitFor($"MemberJoined {ids[j]}"), $"namespace {i} never saw {j} join");
                        }
                    }
                }

                Assert.True(Ip($"link set {names[2]}h down"));
                Assert.True(nodes[0].WaitFor($"MemberDead {ids[2]}"), "the cut-off host was not declared dead");
                Assert.True(Ip($"link set {names[2]}h up"));
                Assert.True(nodes[0].WaitFor($"MemberAlive {ids[2]}", after: $"MemberDead {ids[2]}"), "the host did not come back after its link came up");
            }
            finally
            {
                foreach (NodeInNamespace node in nodes)
                {
                    node?.Dispose();
                }
            }
        }
        finally
        {
            foreach (string ns in names)
            {
                Ip($"link del {ns}h");
                Ip($"netns del {ns}");
            }

            Ip($"link del {bridge}");
        }
    }

    private static bool Ip(string arguments)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        process.WaitForExit(10_000);
        return process.ExitCode == 0;
    }

    private sealed class NodeInNamespace : IDisposable
    {
        // One cluster key for the three hosts (nodes refuse to start without one).
        private static readonly string ClusterKeyFile = NodeProcess.NewKeyFile(Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

        private readonly Process _process;
        private readonly ChildProcessOutput _output;

        public NodeInNamespace(string ns, string bind, string id, string? seed)
        {
            var info = new ProcessStartInfo("ip") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { "netns", "exec", ns, "dotnet", typeof(LoadGenApp).Assembly.Location, "node", "--bind", bind, "--node-id", id, "--key-file", ClusterKeyFile })
            {
                info.ArgumentList.Add(arg);
            }

            if (seed is not null)
            {
                info.ArgumentList.Add("--seeds");
                info.ArgumentList.Add(seed);
            }

            _process = Process.Start(info)!;
            _output = new ChildProcessOutput(_process);
        }

        public bool WaitFor(string text, string? after = null) => _output.WaitFor(text, after);

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5_000);
            }

            _process.Dispose();
        }
    }
}
