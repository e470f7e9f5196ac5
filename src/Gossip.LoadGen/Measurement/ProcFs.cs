using System.Globalization;

namespace Gossip.LoadGen.Measurement;

/// <summary>
/// Reads another process's CPU time, resident memory and threads from Linux's /proc, so a process is measured from the
/// outside without being woken. CPU time comes in clock ticks of 10 ms (USER_HZ is 100 on Linux whatever the kernel's
/// HZ), so over a 60 s window one tick is 0.017 % of one core; the process's total includes threads that have exited,
/// a thread's own figures are lost with it.
/// </summary>
internal static class ProcFs
{
    /// <summary>Clock ticks per second of /proc's CPU times.</summary>
    public const int TicksPerSecond = 100;

    /// <summary>The process now; null when it has exited (or this is not Linux).</summary>
    public static ProcSnapshot? TryRead(int pid)
    {
        string root = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}");
        try
        {
            if (!TryParseStat(File.ReadAllText(root + "/stat"), out _, out long ticks))
            {
                return null;
            }

            long rss = 0;
            foreach (string line in File.ReadAllLines(root + "/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = ParseKilobytes(line) * 1024;
                }
            }

            var threads = new List<ProcThread>();
            foreach (string dir in Directory.EnumerateDirectories(root + "/task"))
            {
                if (TryReadThread(dir) is { } thread)
                {
                    threads.Add(thread);
                }
            }

            return new ProcSnapshot(ticks, rss, threads);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The process's proportional and private memory in bytes (/proc/PID/smaps_rollup), null when unreadable. Resident
    /// memory counts every page mapped, so the runtime's files, shared by every .NET process on the host, count in each;
    /// proportional memory divides a shared page among the processes mapping it, and private memory is what only this
    /// process holds: what one more node process costs the host. Read at window edges only: the kernel walks every
    /// mapping to answer.
    /// </summary>
    public static (long Proportional, long Private)? TryReadMemory(int pid)
    {
        try
        {
            string text = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/smaps_rollup"));
            return ParseSmapsRollup(text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Pss, and Private_Clean + Private_Dirty, of an smaps_rollup text, in bytes; null when Pss is missing.</summary>
    public static (long Proportional, long Private)? ParseSmapsRollup(string text)
    {
        long pss = -1, privateKb = 0;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("Pss:", StringComparison.Ordinal))
            {
                pss = ParseKilobytes(line);
            }
            else if (line.StartsWith("Private_Clean:", StringComparison.Ordinal) || line.StartsWith("Private_Dirty:", StringComparison.Ordinal))
            {
                privateKb += ParseKilobytes(line);
            }
        }

        return pss < 0 ? null : (pss * 1024, privateKb * 1024);
    }

    /// <summary>Load averages over 1, 5 and 15 minutes from /proc/loadavg ("" when unreadable).</summary>
    public static string LoadAverage()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts.Length >= 3 ? $"{parts[0]} {parts[1]} {parts[2]}" : "";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Parses a /proc stat line: the name between the first '(' and the last ')' (it may hold spaces), then utime + stime (fields 14 and 15).</summary>
    public static bool TryParseStat(string stat, out string name, out long cpuTicks)
    {
        name = "";
        cpuTicks = 0;
        int open = stat.IndexOf('(', StringComparison.Ordinal);
        int close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return false;
        }

        name = stat[(open + 1)..close];

        // After ") " come field 3 (state) onwards; utime and stime are fields 14 and 15, so the 12th and 13th here.
        string[] fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 13
            || !long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out long user)
            || !long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out long system))
        {
            return false;
        }

        cpuTicks = user + system;
        return true;
    }

    private static ProcThread? TryReadThread(string dir)
    {
        try
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int tid)
                || !TryParseStat(File.ReadAllText(dir + "/stat"), out string name, out long ticks))
            {
                return null;
            }

            long voluntary = 0, involuntary = 0;
            foreach (string line in File.ReadAllLines(dir + "/status"))
            {
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                {
                    voluntary = ParseNumber(line);
                }
                else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                {
                    involuntary = ParseNumber(line);
                }
            }

            return new ProcThread(tid, name, ticks, voluntary, involuntary);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The thread exited between listing and reading.
            return null;
        }
    }

    private static long ParseKilobytes(string line) => ParseNumber(line.Replace("kB", "", StringComparison.Ordinal));

    private static long ParseNumber(string line)
    {
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        return long.TryParse(line.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : 0;
    }
}
