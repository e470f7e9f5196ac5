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

    // The status line is formatted here and written as a span: it is refreshed every poll, inside the steady window
    // too, whose allocations are measured process-wide (a string per refresh was about 0.6 B per node-round at 128 nodes).
    private readonly char[] _line = new char[256];
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

        // Composed piece by piece with the numbers' own TryFormat: the interpolated-string handler boxes a double while
        // its generic code is still unoptimized (tier 0), which is the case for the first several refreshes. A phase name
        // too long for the buffer leaves the line as it was: it is only a progress display.
        Span<char> line = _line;
        int at = 0;
        if (Append(line, ref at, "\r")
            && Append(line, ref at, _phase)
            && Append(line, ref at, ": ")
            && AppendNumber(line, ref at, elapsed.TotalSeconds, "F1", width: 6)
            && Append(line, ref at, " s, converged ")
            && AppendNumber(line, ref at, converged, "F0", width: 0)
            && Append(line, ref at, "/")
            && AppendNumber(line, ref at, live, "F0", width: 0)
            && Append(line, ref at, ", ")
            && AppendNumber(line, ref at, datagramsPerSecond, "F0", width: 9)
            && Append(line, ref at, " datagrams/s   "))
        {
            _writer.Write(line[..at]);
            _lineOpen = true;
        }
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

    private static bool Append(Span<char> line, ref int at, ReadOnlySpan<char> text)
    {
        if (!text.TryCopyTo(line[at..]))
        {
            return false;
        }

        at += text.Length;
        return true;
    }

    /// <summary>Appends <paramref name="value"/> right-aligned in <paramref name="width"/> characters (as <c>{value,width:format}</c> would).</summary>
    private static bool AppendNumber(Span<char> line, ref int at, double value, string format, int width)
    {
        Span<char> digits = stackalloc char[32];
        if (!value.TryFormat(digits, out int length, format, CultureInfo.InvariantCulture))
        {
            return false;
        }

        int pad = Math.Max(0, width - length);
        if (at + pad + length > line.Length)
        {
            return false;
        }

        line.Slice(at, pad).Fill(' ');
        digits[..length].CopyTo(line[(at + pad)..]);
        at += pad + length;
        return true;
    }
}
