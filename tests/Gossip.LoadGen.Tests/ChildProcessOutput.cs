using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gossip.LoadGen.Tests;

/// <summary>Collects a child process's stdout lines and waits (bounded) for a line, for the multi-process tests.</summary>
internal sealed class ChildProcessOutput
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ChildProcessOutput(Process process)
    {
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
    }

    /// <summary>Every line printed so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>True once a line containing <paramref name="text"/> was printed (after a line containing <paramref name="after"/>, if given).</summary>
    public bool WaitFor(string text, string? after = null, int timeoutSeconds = 40)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(timeoutSeconds))
        {
            bool armed = after is null;
            foreach (string line in _lines)
            {
                if (!armed)
                {
                    armed = line.Contains(after!, StringComparison.Ordinal);
                }
                else if (line.Contains(text, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            Thread.Sleep(20);
        }

        return false;
    }
}
