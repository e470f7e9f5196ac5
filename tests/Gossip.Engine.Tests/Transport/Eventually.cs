namespace Gossip.Engine.Tests.Transport;

/// <summary>Waits for a condition on real sockets with a generous deadline. The deadline only bounds a hang; no test asserts on how long it took.</summary>
internal static class Eventually
{
    public static bool True(Func<bool> condition, int timeoutMs = 20_000)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.ElapsedMilliseconds > timeoutMs)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }
}
