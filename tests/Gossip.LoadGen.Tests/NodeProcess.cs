using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Gossip.LoadGen.Tests;

/// <summary>One <c>Gossip.LoadGen node</c> child process on 127.0.0.1, driven through its stdin and read through its stdout.</summary>
internal sealed class NodeProcess
{
    private readonly Process _process;
    private readonly ChildProcessOutput _output;
    private bool _gone;

    private NodeProcess(Process process)
    {
        _process = process;
        _output = new ChildProcessOutput(process);
    }

    /// <summary>Every line the process printed so far.</summary>
    public IReadOnlyList<string> Lines => _output.Lines;

    /// <summary>A temporary key file with the given contents (one key, or lines of "ID HEX").</summary>
    public static string NewKeyFile(string contents)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gossip-node-{Guid.NewGuid():N}.key");
        File.WriteAllText(path, contents);
        return path;
    }

    /// <summary>Starts a node with the key file (null: <c>--plaintext</c>), joining through <paramref name="seedPort"/> if given.</summary>
    public static NodeProcess Start(int port, string id, int? seedPort, string? keyFile)
    {
        string dll = typeof(LoadGenApp).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { dll, "node", "--bind", $"127.0.0.1:{port}", "--node-id", id, "--quiet" })
        {
            info.ArgumentList.Add(arg);
        }

        if (keyFile is null)
        {
            info.ArgumentList.Add("--plaintext");
        }
        else
        {
            info.ArgumentList.Add("--key-file");
            info.ArgumentList.Add(keyFile);
        }

        if (seedPort is { } seed)
        {
            info.ArgumentList.Add("--seeds");
            info.ArgumentList.Add($"127.0.0.1:{seed}");
        }

        return new NodeProcess(Process.Start(info)!);
    }

    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public bool WaitFor(string text, string? after = null) => _output.WaitFor(text, after, timeoutSeconds: 30);

    /// <summary>Sends the process a POSIX signal (2 SIGINT, 15 SIGTERM), as a terminal's Ctrl+C or a service manager would.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The exit code once the process has ended within 30 s; null if it is still running.</summary>
    public int? WaitForExit() => _process.WaitForExit(30_000) ? _process.ExitCode : null;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public void Kill()
    {
        if (_gone)
        {
            return;
        }

        _gone = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5_000);
        }

        _process.Dispose();
    }
}
