using System.Net;
using System.Net.Sockets;

namespace Gossip.Hosting.Tests;

/// <summary>What the hosting tests share: free loopback addresses, and waiting for a condition on real sockets.</summary>
internal static class HostTestSupport
{
    /// <summary>A loopback address with a port free at the time of the call.</summary>
    public static string Loopback()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return $"127.0.0.1:{((IPEndPoint)probe.LocalEndPoint!).Port}";
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
