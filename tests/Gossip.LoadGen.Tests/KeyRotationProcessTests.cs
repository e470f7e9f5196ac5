using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Gossip.LoadGen.Tests;

/// <summary>
/// Three <c>node</c> processes on real UDP and TCP sockets on loopback rotate their cluster key while running, through
/// the node command's <c>keys</c> commands, the way an operator would (install everywhere, use everywhere, remove
/// everywhere). A broadcast is sent after every command on every node, so each half-done step is crossed by traffic.
/// </summary>
[Collection(nameof(MultiProcessTests))]
public sealed class KeyRotationProcessTests
{
    private const int Nodes = 3;

    [Fact]
    public void ThreeProcesses_RotateTheirKeyWhileRunning_NoFalseDeath_NoLostBroadcast_AndEndOnTheNewKeyAlone()
    {
        string oldKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        string newKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        string keyFile = NodeProcess.NewKeyFile($"1 {oldKey}\n");
        int[] ports = Enumerable.Range(0, Nodes).Select(_ => FreePort()).ToArray();
        string[] ids = Enumerable.Range(0, Nodes).Select(i => (0x2000 + i).ToString("x16", CultureInfo.InvariantCulture)).ToArray();
        var nodes = new NodeProcess[Nodes];
        try
        {
            for (int i = 0; i < Nodes; i++)
            {
                nodes[i] = NodeProcess.Start(ports[i], ids[i], i == 0 ? null : ports[0], keyFile);
            }

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

            int broadcasts = 0;
            string[] steps = [$"keys install 2 {newKey}", "keys use 2", "keys remove 1"];
            string[] answers = ["keys primary 1 ids 1,2", "keys primary 2 ids 1,2", "keys primary 2 ids 2"];
            for (int step = 0; step < steps.Length; step++)
            {
                for (int i = 0; i < Nodes; i++)
                {
                    nodes[i].Send(steps[step]);
                    Assert.True(nodes[i].WaitFor(answers[step]), $"node {i} did not answer '{steps[step]}'");

                    // Traffic while the step is done on some nodes and not yet on the others.
                    string text = $"b{++broadcasts}";
                    nodes[(i + 1) % Nodes].Send($"broadcast {text}");
                    for (int j = 0; j < Nodes; j++)
                    {
                        if (j != (i + 1) % Nodes)
                        {
                            Assert.True(nodes[j].WaitFor($" {text}"), $"node {j} lost broadcast {text} (step '{steps[step]}' done on {i + 1} of {Nodes})");
                        }
                    }
                }
            }

            // State still crosses on the new key alone.
            nodes[2].Send("set after rotation");
            Assert.True(nodes[0].WaitFor($"state {ids[2]} after"), "state set after the rotation did not reach node 0");

            foreach (NodeProcess node in nodes)
            {
                Assert.DoesNotContain(node.Lines, l => l.StartsWith("MemberDead", StringComparison.Ordinal) || l.StartsWith("MemberLeft", StringComparison.Ordinal));
            }
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

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
