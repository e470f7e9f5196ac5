using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Gossip.Engine;
using Gossip.Engine.Transport.Udp;
using Gossip.Hosting;
using Gossip.LoadGen.Cli;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>node</c>: one real node on UDP, encrypted with <c>--key-file</c> (or plain with <c>--plaintext</c>; one of the two
/// is required). Prints membership and state changes and broadcasts as they happen; reads commands from stdin:
/// <c>put KEY VALUE</c>, <c>get KEY</c>, <c>del KEY</c>, <c>keys</c> (the replicated map), <c>set KEY VALUE</c>,
/// <c>get ID KEY</c> (per-node state), <c>broadcast TEXT</c>, <c>members</c>, <c>stats</c>, the key commands of
/// <see cref="NodeKeysCommand"/> (<c>keys list|install|use|remove</c>), <c>leave</c>, <c>quit</c>. Ctrl+C and SIGTERM leave
/// the cluster gracefully and end the process. Several processes (or hosts) running this form one cluster.
/// </summary>
internal static class NodeCommand
{
    public static int Run(LoadGenArguments args, TextWriter output)
    {
        IPEndPoint bind = args.Bind is null ? new IPEndPoint(IPAddress.Loopback, 7946) : IPEndPoint.Parse(args.Bind);
        IPEndPoint? advertise = args.Advertise is null ? null : IPEndPoint.Parse(args.Advertise);
        var options = new GossipOptions
        {
            Fanout = args.Fanout,
            Mode = args.Mode,
            GossipInterval = args.Interval ?? TimeSpan.FromMilliseconds(200),
            NodeId = args.NodeId is { } fixedId ? new NodeId(fixedId) : NodeId.None,
        };
        if (args.KeyFile is { } keyFile)
        {
            try
            {
                options.Keys = KeyFile.Load(keyFile);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // A bad key file is a bad argument: say which and why, exit 2 like every other one.
                Console.Error.WriteLine($"error: --key-file: {ex.Message}");
                return 2;
            }
        }
        else if (args.Plaintext)
        {
            options.AllowPlaintext = true;
        }
        else
        {
            Console.Error.WriteLine("error: a node needs a cluster key: --key-file PATH (one key, raw or hex, or lines of 'ID HEX'), or --plaintext to send unauthenticated frames on a closed network.");
            return 2;
        }

        using var node = new GossipNode(options, new UdpTransport(new UdpTransportOptions { Bind = bind, Advertise = advertise, DedicatedReceiveThread = true }));
        using var stop = new CancellationTokenSource();

        // Ctrl+C, or SIGTERM from a service manager stopping the process: depart as `leave` does, so the others report
        // MemberLeft at once rather than MemberDead after a suspicion, then end the process here, since the main thread
        // may be blocked reading a line and no signal interrupts that.
        void Depart(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
            node.Leave();
            SpinWait.SpinUntil(() => !node.IsRunning, TimeSpan.FromSeconds(2));
            lock (output)
            {
                output.WriteLine($"left on {context.Signal}");
                output.Flush();
            }

            Environment.Exit(0);
        }

        // Registered once the node runs: a signal before that ends the process the runtime's way, with nothing to leave.
        node.Start();
        using PosixSignalRegistration onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Depart);
        using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Depart);
        output.WriteLine($"node {node.Id} generation {node.Generation} at {node.Address}");
        output.Flush();
        if (args.Seeds.Count > 0)
        {
            var seeds = new List<WireAddress>();
            foreach (IPEndPoint seed in args.Seeds)
            {
                seeds.Add(WireAddress.FromEndPoint(seed));
            }

            node.Join(seeds);
        }

        Task printer = PrintEventsAsync(node, output, stop.Token);
        string? line;
        while (!stop.IsCancellationRequested && (line = Console.In.ReadLine()) is not null)
        {
            string[] parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
            switch (parts.Length > 0 ? parts[0] : "")
            {
                case "set" when parts.Length == 3:
                    node.SetLocal(parts[1], Encoding.UTF8.GetBytes(parts[2]));
                    break;
                case "put" when parts.Length == 3:
                    Guarded(output, () => node.SetData(Encoding.UTF8.GetBytes(parts[1]), Encoding.UTF8.GetBytes(parts[2])));
                    break;
                case "del" when parts.Length == 2:
                    Guarded(output, () => node.RemoveData(Encoding.UTF8.GetBytes(parts[1])));
                    break;
                case "get" when parts.Length == 2:
                    lock (output)
                    {
                        output.WriteLine(node.TryGetData(Encoding.UTF8.GetBytes(parts[1]), out byte[] data) ? $"value {Encoding.UTF8.GetString(data)}" : "value (none)");
                        output.Flush();
                    }

                    break;
                case "keys" when parts.Length == 1:
                    // Alone, the replicated map's keys; with a word after it (list, install, use, remove), the key ring.
                    lock (output)
                    {
                        foreach (KeyValuePair<byte[], byte[]> entry in node.GetDataEntries())
                        {
                            output.WriteLine($"key {Encoding.UTF8.GetString(entry.Key)} = {Encoding.UTF8.GetString(entry.Value)}");
                        }

                        output.WriteLine($"keys {node.DataCount} root {node.DataRootHash:x16}");
                        output.Flush();
                    }

                    break;
                case "get" when parts.Length == 3 && ulong.TryParse(parts[1], System.Globalization.NumberStyles.HexNumber, null, out ulong id):
                    lock (output)
                    {
                        output.WriteLine(node.TryGetState(new NodeId(id), parts[2], out ReadOnlyMemory<byte> value) ? $"value {Encoding.UTF8.GetString(value.Span)}" : "value (none)");
                        output.Flush();
                    }

                    break;
                case "members":
                    lock (output)
                    {
                        foreach (MemberSnapshot m in node.Members)
                        {
                            output.WriteLine($"member {m.Id} {m.Status} generation {m.Generation} at {m.Address}");
                        }

                        output.Flush();
                    }

                    break;
                case "stats":
                    lock (output)
                    {
                        output.WriteLine(NodeStatsLine.Format(node));
                        output.Flush();
                    }

                    break;
                case "broadcast" when parts.Length >= 2:
                    node.Broadcast(Encoding.UTF8.GetBytes(line.Trim()["broadcast".Length..].Trim()));
                    break;
                case "keys":
                    Reply(output, NodeKeysCommand.Run(options.Keys, parts.Length > 1 ? line.Trim()["keys".Length..].Trim() : ""));
                    break;
                case "leave":
                    node.Leave();
                    stop.Cancel();
                    break;
                case "quit":
                    stop.Cancel();
                    break;
                case "":
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    break;
            }
        }

        stop.Cancel();
        printer.Wait(TimeSpan.FromSeconds(1));
        return 0;
    }

    private static void Reply(TextWriter output, string text)
    {
        lock (output)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }

    private const string Usage = "commands: put KEY VALUE | get KEY | del KEY | keys (the replicated map) | set KEY VALUE | get NODEID KEY (per-node state) | broadcast TEXT | members | stats | keys list | keys install ID HEX | keys use ID | keys remove ID | leave | quit";

    /// <summary>Runs a map write, printing a refusal (a key or value too long, a full map) instead of ending the node.</summary>
    private static void Guarded(TextWriter output, Action write)
    {
        try
        {
            write();
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or InvalidOperationException)
        {
            lock (output)
            {
                output.WriteLine($"refused: {ex.Message}");
                output.Flush();
            }
        }
    }

    private static async Task PrintEventsAsync(GossipNode node, TextWriter output, CancellationToken stop)
    {
        try
        {
            await foreach (GossipEvent e in node.Events.ReadAllAsync(stop).ConfigureAwait(false))
            {
                string text = e.Kind switch
                {
                    GossipEventKind.StateChanged => $"state {e.Member} {e.Key}",
                    GossipEventKind.RumorReceived => $"rumor {e.Rumor.Origin}/{e.Rumor.Sequence} {Encoding.UTF8.GetString(e.Payload.Span)}",
                    GossipEventKind.DataChanged => $"data {Encoding.UTF8.GetString(e.Payload.Span)} by {e.Member}",
                    _ => $"{e.Kind} {e.Member}",
                };
                lock (output)
                {
                    output.WriteLine(text);
                    output.Flush();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
