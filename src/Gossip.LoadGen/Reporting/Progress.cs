using System.Diagnostics;
using System.Globalization;

namespace Gossip.LoadGen.Reporting;

/// <summary>A one-line live status on stderr (phase, elapsed, converged members, datagrams/s); silent when stderr is redirected or --quiet.</summary>
internal sealed class Progress(bool quiet)
{
    private readonly bool _enabled = !quiet && !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string _phase = "";

    public void Phase(string name)
    {
        _phase = name;
        if (!quiet)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:F1} s] {name}"));
        }
    }

    public void Update(int converged, int nodes, double datagramsPerSecond)
    {
        if (_enabled)
        {
            Console.Error.Write(string.Create(CultureInfo.InvariantCulture, $"\r  {_phase}: {_clock.Elapsed.TotalSeconds,6:F1} s, converged {converged}/{nodes}, {datagramsPerSecond,8:F0} datagrams/s   "));
        }
    }

    public void EndLine()
    {
        if (_enabled)
        {
            Console.Error.WriteLine();
        }
    }
}
