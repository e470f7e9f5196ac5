using System.Net;
using System.Net.Sockets;

namespace Gossip.Hosting.Tests;

/// <summary>What the hosting tests share: free loopback addresses, and waiting for a condition on real sockets.</summary>
internal static class HostTestSupport
{
    /// <summary>
    /// A loopback address whose port is free for both UDP and TCP at the time of the call (a node binds both; a port
    /// free for one is often taken for the other on a machine running other socket tests).
    /// </summary>
    public static string Loopback()
    {
        for (int attempt = 0; ; attempt++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            int port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return $"127.0.0.1:{port}";
            }
            catch (SocketException) when (attempt < 100)
            {
                // Taken for UDP: draw another.
            }
        }
    }

    /// <summary>A key file holding one random cluster key (hex), shared by every hosted node of these tests.</summary>
    public static string SharedKeyFile { get; } = NewKeyFile();

    /// <summary>A new temporary key file holding one random 32-byte key as hex.</summary>
    public static string NewKeyFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gossip-test-{Guid.NewGuid():N}.key");
        File.WriteAllText(path, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        return path;
    }

    /// <summary>True once <paramref name="condition"/> holds, false if it never does within 20 s (a bound, not a measurement).</summary>
    public static async Task<bool> Until(Func<bool> condition)
    {
        for (int i = 0; i < 2_000; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(10);
        }

        return false;
    }
}
