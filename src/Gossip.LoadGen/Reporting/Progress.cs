using System.Globalization;

namespace Gossip.LoadGen.Reporting;

/// <summary>
/// The live one-line status (phase, elapsed, converged members, datagrams/s), rewritten in place on stderr. Silent when
/// stderr is redirected (a log file full of carriage returns helps nobody) or with <c>--quiet</c>: the final table on
/// stdout is the output that counts.
/// </summary>
internal sealed class Progress
{
    private readonly TextWriter? _writer;
    private string _phase = "";
    private bool _lineOpen;

    /// <summary>Writes to <paramref name="writer"/>; null writes nothing.</summary>
    public Progress(TextWriter? writer) => _writer = writer;

    /// <summary>A progress line that writes nothing.</summary>
    public static Progress Silent { get; } = new(null);

    /// <summary>The console progress: on stderr unless <paramref name="quiet"/> or stderr is redirected.</summary>
    public static Progress ForConsole(bool quiet) => quiet || Console.IsErrorRedirected ? Silent : new Progress(Console.Error);

    /// <summary>Starts a phase: ends the previous status line and prints the phase name.</summary>
    public void Phase(string name)
    {
        _phase = name;
        if (_writer is null)
        {
            return;
        }

        EndLine();
        _writer.Write(name);
        _lineOpen = true;
    }

    /// <summary>Rewrites the status line of the current phase.</summary>
    public void Update(TimeSpan elapsed, int converged, int live, double datagramsPerSecond)
    {
        if (_writer is null)
        {
            return;
        }

        _writer.Write(string.Create(
            CultureInfo.InvariantCulture,
            $"\r{_phase}: {elapsed.TotalSeconds,6:F1} s, converged {converged}/{live}, {datagramsPerSecond,9:F0} datagrams/s   "));
        _lineOpen = true;
    }

    /// <summary>Ends the status line so the next output starts on a fresh line.</summary>
    public void EndLine()
    {
        if (_writer is not null && _lineOpen)
        {
            _writer.WriteLine();
            _lineOpen = false;
        }
    }
}
