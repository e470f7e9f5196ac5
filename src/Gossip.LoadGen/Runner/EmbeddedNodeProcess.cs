using System.Diagnostics;
using System.Globalization;
using Gossip.LoadGen.Scenarios;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// One <c>node</c> command in a child process of its own (the same LoadGen assembly, run by the same <c>dotnet</c>
/// host, or a native build of LoadGen given as <c>--node-exe</c>; inheriting this process's environment plus the variables
/// it is given, so <c>DOTNET_*</c> knobs reach every node). Its
/// standard output is read as it comes: the start line, each member seen joining (timed from just before the process
/// was started), and the answers to <see cref="RequestStats"/>.
/// </summary>
internal sealed class EmbeddedNodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly long _startedTimestamp;
    private readonly HashSet<string> _joined = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly int _peers;
    private NodeStatsLine _lastStats;
    private int _statsCount;
    private bool _disposed;

    private EmbeddedNodeProcess(Process process, long startedTimestamp, int peers)
    {
        _process = process;
        _startedTimestamp = startedTimestamp;
        _peers = peers;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The OS process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The node's id as it printed it (hex), once started.</summary>
    public string? NodeId { get; private set; }

    /// <summary>The address it listens on (ip:port), once started.</summary>
    public string? Address { get; private set; }

    /// <summary>Milliseconds from process start to its start line (bound, listening); NaN until then.</summary>
    public double ListeningMs { get; private set; } = double.NaN;

    /// <summary>Milliseconds from process start to the first other member it saw join (it is in the cluster); NaN until then.</summary>
    public double JoinedMs { get; private set; } = double.NaN;

    /// <summary>Milliseconds from process start until it had seen every other process join; NaN until then.</summary>
    public double AllMembersMs { get; private set; } = double.NaN;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <c>node --bind 127.0.0.1:0</c> (the OS picks the port; it is printed) joining <paramref name="seed"/>, if
    /// any, encrypted with the cluster key in <paramref name="keyFile"/>, as an embedding service would run. With
    /// <paramref name="nodeExecutable"/> the process is that executable's <c>node</c> command (a <c>.dll</c>: that LoadGen
    /// assembly's, under dotnet); without, this assembly's.
    /// </summary>
    public static EmbeddedNodeProcess Start(string? seed, TimeSpan interval, int peers, string keyFile, IReadOnlyList<KeyValuePair<string, string>> environment, string? nodeExecutable = null)
    {
        // A .dll is a LoadGen assembly to run under dotnet (another build of it); anything else runs as it is.
        string? assembly = nodeExecutable is null ? typeof(EmbeddedNodeProcess).Assembly.Location : IsAssembly(nodeExecutable) ? nodeExecutable : null;
        var info = new ProcessStartInfo(assembly is null ? nodeExecutable! : DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (assembly is not null)
        {
            info.ArgumentList.Add(assembly);
        }

        string[] args =
        [
            "node", "--bind", "127.0.0.1:0", "--quiet", "--key-file", keyFile,
            "--interval", interval.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        if (seed is not null)
        {
            info.ArgumentList.Add("--seeds");
            info.ArgumentList.Add(seed);
        }

        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }

        long started = Stopwatch.GetTimestamp();
        return new EmbeddedNodeProcess(Process.Start(info) ?? throw new InvalidOperationException("the node process did not start."), started, peers);
    }

    /// <summary>The command line a node process runs, as the report shows it.</summary>
    public static string Describe(string? nodeExecutable) =>
        nodeExecutable is null ? $"{DotnetHost()} {typeof(EmbeddedNodeProcess).Assembly.Location} node"
        : IsAssembly(nodeExecutable) ? $"{DotnetHost()} {nodeExecutable} node"
        : $"{nodeExecutable} node";

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds; false on timeout or if the process exited.</summary>
    public bool WaitUntil(Func<EmbeddedNodeProcess, bool> condition, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (condition(this))
            {
                return true;
            }

            if (_process.HasExited)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return condition(this);
    }

    /// <summary>Asks for a <c>stats</c> line and waits (bounded) for it; null on timeout.</summary>
    public NodeStatsLine? RequestStats(TimeSpan timeout)
    {
        int before;
        lock (_gate)
        {
            before = _statsCount;
        }

        try
        {
            _process.StandardInput.WriteLine("stats");
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            return null;
        }

        bool answered = WaitUntil(
            p =>
            {
                lock (p._gate)
                {
                    return p._statsCount > before;
                }
            },
            timeout);
        lock (_gate)
        {
            return answered ? _lastStats : null;
        }
    }

    /// <summary>Asks the node to quit, then kills it if it has not exited within a second.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(1_000))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(5_000);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static bool IsAssembly(string path) => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);

    private static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        double ms = Stopwatch.GetElapsedTime(_startedTimestamp).TotalMilliseconds;
        lock (_gate)
        {
            if (NodeStatsLine.TryParse(line, out NodeStatsLine stats))
            {
                _lastStats = stats;
                _statsCount++;
            }
            else if (line.StartsWith("node ", StringComparison.Ordinal) && NodeId is null)
            {
                // "node ID generation G at ADDRESS"
                string[] parts = line.Split(' ');
                NodeId = parts.Length > 1 ? parts[1] : "";
                Address = parts[^1];
                ListeningMs = ms;
            }
            else if (line.StartsWith("MemberJoined ", StringComparison.Ordinal) && _joined.Add(line["MemberJoined ".Length..]))
            {
                if (_joined.Count == 1)
                {
                    JoinedMs = ms;
                }

                if (_joined.Count >= _peers)
                {
                    AllMembersMs = ms;
                }
            }
        }
    }
}
