using System.Net;
using System.Net.Sockets;

namespace Gossip.LoadGen.Tests;

/// <summary>
/// Separate OS processes running <c>Gossip.LoadGen node</c> on 127.0.0.1 form one cluster, share state, detect a killed
/// process, and accept it back after a restart with a higher generation.
/// </summary>
[Collection(nameof(MultiProcessTests))]
public sealed class MultiProcessTests
{
    private const int Nodes = 4;

    [Fact]
    public void FourProcesses_FormACluster_ShareState_DetectAKill_AndAcceptARestart()
    {
        int[] ports = Enumerable.Range(0, Nodes).Select(_ => FreePort()).ToArray();
        string[] ids = Enumerable.Range(0, Nodes).Select(i => (0x1000 + i).ToString("x16", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        string keyFile = NodeProcess.NewKeyFile($"1 {Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}");
        var nodes = new NodeProcess[Nodes];
        try
        {
            for (int i = 0; i < Nodes; i++)
            {
                nodes[i] = NodeProcess.Start(ports[i], ids[i], i == 0 ? null : ports[0], keyFile);
            }

            // Every process sees the three others join.
            for (int i = 0; i < Nodes; i++)
            {
                for (int j = 0; j < Nodes; j++)
                {
                    if (i != j)
                    {
                        Assert.True(nodes[i].WaitFor($"MemberJoined {ids[j]}"), $"node {i} never saw node {j} join");
                    }
                }
            }

            nodes[1].Send("set color blue");
            Assert.True(nodes[3].WaitFor($"state {ids[1]} color"), "state did not reach node 3");

            nodes[2].Kill();
            Thread.Sleep(1_100); // generations are seconds since the epoch: the restart must land in a later second
            Assert.True(nodes[0].WaitFor($"MemberDead {ids[2]}"), "node 0 did not detect the kill");
            Assert.True(nodes[3].WaitFor($"MemberDead {ids[2]}"), "node 3 did not detect the kill");

            nodes[2] = NodeProcess.Start(ports[2], ids[2], ports[0], keyFile);
            Assert.True(nodes[0].WaitFor($"MemberJoined {ids[2]}", after: $"MemberDead {ids[2]}"), "the restarted node was not accepted back");
            Assert.True(nodes[2].WaitFor($"MemberJoined {ids[0]}"), "the restarted node did not rejoin the cluster");
        }
        finally
        {
            foreach (NodeProcess node in nodes)
            {
                node?.Kill();
            }

            File.Delete(keyFile);
        }
    }

    /// <remarks>
    /// SIGTERM only: SIGINT (Ctrl+C), handled the same way, cannot be tested here, since a test run started in the
    /// background of a shell (as CI may start it) inherits SIGINT ignored, and the runtime keeps a signal ignored at start
    /// ignored (a clean-clone CI run started with &amp; showed it: the node never exited; such a child's SigIgn holds 2 and 3).
    /// </remarks>
    [Fact]
    public void TerminatedProcess_LeavesGracefully_AndExits()
    {
        const int Sigterm = 15; // a service manager stopping the process, while it waits for a line on stdin
        int[] ports = [FreePort(), FreePort()];
        string[] ids = ["0000000000002000", "0000000000002001"];
        var nodes = new NodeProcess[2];
        try
        {
            nodes[0] = NodeProcess.Start(ports[0], ids[0], null, keyFile: null);
            nodes[1] = NodeProcess.Start(ports[1], ids[1], ports[0], keyFile: null);
            Assert.True(nodes[0].WaitFor($"MemberJoined {ids[1]}"), "node 1 never joined");
            Assert.True(nodes[1].WaitFor($"MemberJoined {ids[0]}"), "node 1 never saw node 0");

            nodes[1].Signal(Sigterm);

            Assert.Equal(0, nodes[1].WaitForExit());
            Assert.Contains(nodes[1].Lines, line => line.StartsWith("left on ", StringComparison.Ordinal));
            Assert.True(nodes[0].WaitFor($"MemberLeft {ids[1]}"), "node 0 did not hear node 1 leave");
            Assert.DoesNotContain(nodes[0].Lines, line => line.Contains($"MemberDead {ids[1]}", StringComparison.Ordinal));
        }
        finally
        {
            foreach (NodeProcess node in nodes)
            {
                node?.Kill();
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
