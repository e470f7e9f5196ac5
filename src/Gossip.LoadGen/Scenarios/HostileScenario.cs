using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Gossip.Engine;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Reporting;
using Gossip.LoadGen.Runner;
using Gossip.LoadGen.Scenarios.Hostile;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// <c>hostile</c>: a live cluster on real UDP and TCP sockets on loopback, attacked from sockets that are not members:
/// forged Dead, Leave and Suspect notices and address/generation hijacks, a captured frame replayed, fuzzed datagrams
/// (one million by default), a request of every message type to measure what it draws back (amplification), slow-drip,
/// giant-prefix and full-size garbage TCP connections, and, encrypted, frames under a key the cluster has removed after
/// rotating it while running. Reports drops by reason, the answer/request ratio per message type, false deaths and
/// departures (must be 0) and memory against the documented bound; exits 1 when a rule is broken.
/// </summary>
internal static class HostileScenario
{
    /// <summary>Bytes one node may hold above its steady state under attack with the default limits (docs/security.md).</summary>
    public const double NodeMemoryBoundMiB = 50;

    /// <summary>Requests of each message type sent for the amplification figure, each from the same fresh address.</summary>
    public const int RequestsPerType = 3;

    private static readonly NodeId Stranger = new(0xBAD5_7A6E);

    public static int Run(LoadGenArguments args, Progress progress, TextWriter output)
    {
        HostileReport report = Execute(new HostileSettings
        {
            CommandLine = args.CommandLine,
            Nodes = Math.Max(4, args.Nodes ?? 8),
            Plaintext = args.Plaintext,
            ClusterKey = args.ClusterKey,
            FuzzedDatagrams = args.Fuzz ?? 1_000_000,
            StreamConnections = args.Streams ?? 200,
            StreamSeconds = args.Duration ?? TimeSpan.FromSeconds(10),
            Interval = args.Interval ?? TimeSpan.FromMilliseconds(200),
            HoldThreadPool = args.HoldThreadPool,
        }, progress);
        Print(report, output);
        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(report, json);
        }

        return report.Passed ? 0 : 1;
    }

    /// <summary>Builds the cluster, runs every attack in turn, and measures.</summary>
    public static HostileReport Execute(HostileSettings settings, Progress progress)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int n = settings.Nodes;
        bool plaintext = settings.Plaintext;
        var phases = new List<(string Name, long At)>();
        void Phase(string name)
        {
            phases.Add((name, Stopwatch.GetTimestamp()));
            progress.Phase(name);
        }

        var rings = new List<KeyRing>();
        using var cluster = new UdpClusterUnderTest(n, o =>
        {
            o.GossipInterval = settings.Interval;
            if (plaintext)
            {
                o.AllowPlaintext = true;
            }
            else
            {
                var ring = new KeyRing(1, settings.ClusterKey);
                rings.Add(ring);
                o.Keys = ring;
            }
        }, []);
        Phase("hostile: warm-up");
        if (!WaitUntil(() => cluster.ConvergedCount() == n, TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException("The cluster did not converge before the attacks.");
        }

        // State and broadcasts, so that an unguarded answer would be large.
        byte[] blob = RandomNumberGenerator.GetBytes(300);
        foreach (GossipNode node in cluster.Nodes)
        {
            node.SetLocal("blob", blob);
            node.Broadcast(blob);
        }

        Thread.Sleep(settings.Interval * 15);
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long[] dropsBefore = Drops(cluster.Nodes);
        long withheldBefore = Sum(cluster.Nodes, static c => c.RepliesWithheld);
        long limitedBefore = Sum(cluster.Nodes, static c => c.RepliesRateLimited);
        long refusedBefore = Sum(cluster.Nodes, static c => c.PingReqsRefused);
        long deferredBefore = Sum(cluster.Nodes, static c => c.VerdictsDeferred);
        long attackStart = Stopwatch.GetTimestamp();
        using var stopHolding = new CancellationTokenSource();
        Task holding = settings.HoldThreadPool ? PoolLoad.Hold(stopHolding.Token) : Task.CompletedTask;

        // An outsider: in plaintext a stranger's id, encrypted a key it does not hold.
        using KeyRing? outsiderKey = plaintext ? null : new KeyRing(1, RandomNumberGenerator.GetBytes(32));
        var outsider = new AttackFrames(new FrameCodec(1, outsiderKey), Stranger, 1);

        // Frames that authenticate, sent from an address that is no member's: in plaintext anyone's; encrypted, what an
        // outsider who captured a key holder's frames could replay from its own address (here a key holder unknown to the
        // table seals fresh ones, so that replay windows of real members are not disturbed): frames sealed for another
        // node (a cross-receiver replay) and frames sealed for any receiver (a joiner's request to a seed).
        using KeyRing? holderKey = plaintext ? null : new KeyRing(1, settings.ClusterKey);
        var accepted = new AttackFrames(new FrameCodec(1, holderKey), plaintext ? Stranger : new NodeId(0xC0FF_EE00), (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        WireAddress strangerAddress = WireAddress.FromEndPoint((IPEndPoint)socket.LocalEndPoint!);

        Phase("hostile: forged notices");
        int forged = ForgeNotices(cluster, outsider, socket, strangerAddress);

        Phase("hostile: replays");
        int replays = 50;
        byte[] captured = accepted.Request(MessageType.Ping, 77, cluster.Nodes[1].Id, cluster.Nodes[2].Id, cluster.Nodes[2].Address, cluster.Nodes[1].Id);
        Drain(socket);
        for (int i = 0; i < replays; i++)
        {
            socket.SendTo(captured, cluster.Nodes[1].Address.ToEndPoint());
        }

        long replayAnswers = Collect(socket, TimeSpan.FromSeconds(1));

        // What an outsider draws back: in plaintext its frames are accepted (any id, a valid CRC), so every rule of the
        // guard is exercised; encrypted they are all refused. What a captured key holder's frame draws when replayed
        // from an outsider's address is measured apart: sealed for another node it must not open (the receiver is bound
        // into the associated data); sealed for any receiver it opens, and is answered as a stranger's.
        Phase("hostile: amplification probes");
        List<AmplificationRow> rows = Probe(cluster, plaintext ? accepted : outsider, static victim => victim.Id);
        List<AmplificationRow> replayedRows = plaintext ? [] : Probe(cluster, accepted, _ => cluster.Nodes[0].Id);
        List<AmplificationRow> anyReceiverRows = plaintext ? [] : Probe(cluster, accepted, static _ => NodeId.None);

        Phase($"hostile: {settings.FuzzedDatagrams:N0} fuzzed datagrams");
        int membersBefore = cluster.Nodes[2].KnownMembers;
        Fuzz(cluster.Nodes[2], accepted, cluster, settings.FuzzedDatagrams, plaintext);
        Thread.Sleep(settings.Interval * 5);
        int junk = Math.Max(0, cluster.Nodes[2].KnownMembers - membersBefore);

        Phase($"hostile: {settings.StreamConnections} hostile TCP connections for {settings.StreamSeconds.TotalSeconds:F0} s");
        byte[] header = StreamAttack.HeaderOf(accepted.Request(MessageType.Ping, 1, default, default, default));
        (long opened, long cut) = StreamAttack.Run(cluster.Nodes[3].Address.ToEndPoint(), settings.StreamConnections, settings.StreamSeconds, header, 1 << 20);
        long peakInbound = cluster.Transports[3].Streams?.PeakInboundFrameBytes ?? 0;

        int removedKeyFrames = 0;
        long removedKeyAnswers = 0;
        if (!plaintext)
        {
            Phase("hostile: key rotation, then frames under the removed key");
            byte[] next = RandomNumberGenerator.GetBytes(32);
            rings.ForEach(r => r.Add(2, next));
            Thread.Sleep(settings.Interval * 5);
            rings.ForEach(r => r.UsePrimary(2));
            Thread.Sleep(settings.Interval * 5);
            rings.ForEach(r => r.Remove(1));
            Drain(socket);
            for (uint i = 0; i < 100; i++)
            {
                socket.SendTo(accepted.Request(MessageType.Ping, 1_000 + i, default, default, default), cluster.Nodes[(int)(i % (uint)n)].Address.ToEndPoint());
                removedKeyFrames++;
            }

            removedKeyAnswers = Collect(socket, TimeSpan.FromSeconds(1));
        }

        Phase("hostile: settle and check");
        Thread.Sleep(settings.Interval * 25);
        double attackSeconds = Stopwatch.GetElapsedTime(attackStart).TotalSeconds;
        stopHolding.Cancel();
        holding.Wait();
        (int falseDeaths, _) = cluster.Log.FalsePositives(new Dictionary<NodeId, long>(), attackStart);
        int notAllAlive = 0;
        foreach (GossipNode node in cluster.Nodes)
        {
            int alive = 0;
            foreach (MemberSnapshot m in node.Members)
            {
                alive += m.Status == MemberStatus.Alive && cluster.Nodes.Any(x => x.Id == m.Id) ? 1 : 0;
            }

            notAllAlive += alive == n ? 0 : 1;
        }

        List<string> timeline = Timeline(cluster, phases, attackStart);
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        long[] dropsAfter = Drops(cluster.Nodes);
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (int s = 1; s < dropsAfter.Length; s++)
        {
            long delta = dropsAfter[s] - dropsBefore[s];
            if (delta > 0)
            {
                drops[((WireStatus)s).ToString()] = delta;
            }
        }

        double worst = rows.Count == 0 ? 0 : rows.Max(static r => r.Ratio);
        double growth = (heapAfter - heapBefore) / 1048576.0;
        double worstReplayed = Worst(replayedRows);
        double worstAnyReceiver = Worst(anyReceiverRows);
        bool passed = falseDeaths == 0 && cluster.Log.Departures == 0 && notAllAlive == 0 && worst <= 1 && rows.All(static r => r.TcpDialBacks == 0)
            && worstReplayed == 0 && worstAnyReceiver <= 1 && replayedRows.Concat(anyReceiverRows).All(static r => r.TcpDialBacks == 0)
            && growth <= NodeMemoryBoundMiB && peakInbound <= (16L << 20) && removedKeyAnswers == 0;
        return new HostileReport
        {
            CommandLine = settings.CommandLine,
            Security = plaintext ? "plaintext" : "aes-gcm",
            Nodes = n,
            Date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            ForgedNotices = forged,
            Replays = replays,
            ReplayAnswerBytes = replayAnswers,
            FuzzedDatagrams = settings.FuzzedDatagrams,
            JunkMembers = junk,
            StreamConnections = (int)opened,
            StreamsCut = cut,
            PeakInboundStreamBytes = peakInbound,
            InboundStreamBound = 16L << 20,
            RemovedKeyFrames = removedKeyFrames,
            RemovedKeyAnswers = removedKeyAnswers,
            Amplification = rows,
            WorstAmplification = worst,
            ReplayedAmplification = replayedRows,
            WorstReplayedAmplification = worstReplayed,
            AnyReceiverAmplification = anyReceiverRows,
            WorstAnyReceiverAmplification = worstAnyReceiver,
            DropsByReason = drops,
            RepliesWithheld = Sum(cluster.Nodes, static c => c.RepliesWithheld) - withheldBefore,
            RepliesRateLimited = Sum(cluster.Nodes, static c => c.RepliesRateLimited) - limitedBefore,
            PingReqsRefused = Sum(cluster.Nodes, static c => c.PingReqsRefused) - refusedBefore,
            FalseDeaths = falseDeaths,
            VerdictsDeferred = Sum(cluster.Nodes, static c => c.VerdictsDeferred) - deferredBefore,
            ThreadPoolHeld = settings.HoldThreadPool,
            Declarations = timeline,
            FalseLeaves = cluster.Log.Departures,
            MembersNotAllAlive = notAllAlive,
            HeapBeforeMiB = heapBefore / 1048576.0,
            HeapAfterMiB = heapAfter / 1048576.0,
            PeakWorkingSetMiB = Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0,
            MemoryBoundMiB = NodeMemoryBoundMiB,
            AttackSeconds = attackSeconds,
            Passed = passed,
        };
    }

    /// <summary>Prints the report as a table.</summary>
    public static void Print(HostileReport r, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(output);
        CultureInfo c = CultureInfo.InvariantCulture;
        output.WriteLine($"command: {r.CommandLine}");
        output.WriteLine(string.Create(c, $"cluster: {r.Nodes} nodes on UDP+TCP loopback, {r.Security}, {r.Date}; attacks took {r.AttackSeconds:F1} s"));
        output.WriteLine(string.Create(c, $"forged notices (dead, leave, suspect, join hijack) from a non-member: {r.ForgedNotices}"));
        output.WriteLine(string.Create(c, $"one captured frame replayed {r.Replays} times: {r.ReplayAnswerBytes} bytes answered"));
        output.WriteLine(string.Create(c, $"fuzzed datagrams: {r.FuzzedDatagrams:N0}; junk members created: {r.JunkMembers}"));
        output.WriteLine(string.Create(c, $"hostile TCP connections: {r.StreamConnections:N0} opened, {r.StreamsCut:N0} cut; inbound stream bytes peak {r.PeakInboundStreamBytes / 1048576.0:F1} MiB (bound {r.InboundStreamBound / 1048576.0:F0} MiB)"));
        if (r.Security != "plaintext")
        {
            output.WriteLine(string.Create(c, $"frames under a removed key (after rotating 1 -> 2 while running): {r.RemovedKeyFrames}, {r.RemovedKeyAnswers} bytes answered"));
        }

        output.WriteLine("amplification, an outsider's requests from a non-member address (answer bytes / request bytes):");
        PrintRows(r.Amplification, output);
        output.WriteLine(string.Create(c, $"worst amplification: {r.WorstAmplification:F2}"));
        if (r.ReplayedAmplification.Count > 0)
        {
            output.WriteLine("key holders' frames sealed for another node, replayed from a non-member address (cross-receiver replay; must draw nothing):");
            PrintRows(r.ReplayedAmplification, output);
            output.WriteLine(string.Create(c, $"worst ratio of a cross-receiver replay: {r.WorstReplayedAmplification:F2}"));
            output.WriteLine("key holders' frames sealed for any receiver (as a join to a seed is), replayed from a non-member address (answered as a stranger's):");
            PrintRows(r.AnyReceiverAmplification, output);
            output.WriteLine(string.Create(c, $"worst ratio of a replayed frame for any receiver: {r.WorstAnyReceiverAmplification:F2}"));
        }

        output.WriteLine("frames dropped, all nodes, by reason: " + string.Join(", ", r.DropsByReason.Select(static d => string.Create(CultureInfo.InvariantCulture, $"{d.Key} {d.Value:N0}"))));
        output.WriteLine(string.Create(c, $"answers withheld (larger than the request): {r.RepliesWithheld:N0}; rate-limited: {r.RepliesRateLimited:N0}; ping-reqs refused: {r.PingReqsRefused:N0}"));
        output.WriteLine(string.Create(c, $"false deaths: {r.FalseDeaths}; false departures: {r.FalseLeaves}; members not seeing every member alive at the end: {r.MembersNotAllAlive}"));
        output.WriteLine(string.Create(c, $"verdicts put off while a node was behind on its own input: {r.VerdictsDeferred:N0}{(r.ThreadPoolHeld ? " (thread pool held busy throughout)" : "")}"));
        output.WriteLine(string.Create(c, $"suspicions and deaths declared during the attacks (time from their start, phase): {r.Declarations.Count}"));
        foreach (string line in r.Declarations)
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine(string.Create(c, $"managed heap after a full GC: {r.HeapBeforeMiB:F1} MiB before, {r.HeapAfterMiB:F1} MiB after (bound +{r.MemoryBoundMiB:F0} MiB); peak working set {r.PeakWorkingSetMiB:F0} MiB"));
        output.WriteLine(r.Passed ? "PASSED" : "FAILED");
    }

    private static void PrintRows(IReadOnlyList<AmplificationRow> rows, TextWriter output)
    {
        output.WriteLine($"  {"type",-18} {"requests",8} {"sent B",8} {"answered B",10} {"ratio",6} {"TCP back",8}");
        foreach (AmplificationRow row in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {row.Type,-18} {row.Requests,8} {row.RequestBytes,8} {row.AnswerBytes,10} {row.Ratio,6:F2} {row.TcpDialBacks,8}"));
        }
    }

    private static int ForgeNotices(UdpClusterUnderTest cluster, AttackFrames outsider, Socket socket, WireAddress strangerAddress)
    {
        int sent = 0;
        foreach (GossipNode victim in cluster.Nodes)
        {
            MembershipEvent[] notices =
            [
                new(MembershipEventKind.Dead, victim.Id, victim.Generation, 1_000, Stranger, victim.Address),
                new(MembershipEventKind.Leave, victim.Id, victim.Generation, 1_000, victim.Id, victim.Address),
                new(MembershipEventKind.Suspect, victim.Id, victim.Generation, 1_000, Stranger, victim.Address),
                new(MembershipEventKind.Join, victim.Id, victim.Generation + 1, 0, victim.Id, strangerAddress),
            ];
            foreach (GossipNode target in cluster.Nodes)
            {
                if (target == victim)
                {
                    continue;
                }

                foreach (MembershipEvent notice in notices)
                {
                    socket.SendTo(outsider.Notice(notice, target.Id), target.Address.ToEndPoint());
                    sent++;
                }
            }
        }

        return sent;
    }

    /// <summary>
    /// Every suspicion and death declared since the attacks began, each with its time from the start of the attacks and
    /// the phase that was running: how near the attacks came to a false death, and where to look when one happens.
    /// </summary>
    private static List<string> Timeline(UdpClusterUnderTest cluster, List<(string Name, long At)> phases, long attackStart)
    {
        var lines = new List<string>();
        foreach ((bool dead, NodeId observer, NodeId subject, long at) in cluster.Log.DeclarationsSince(attackStart))
        {
            string phase = phases.LastOrDefault(p => p.At <= at).Name ?? "warm-up";
            double seconds = Stopwatch.GetElapsedTime(attackStart, at).TotalSeconds;
            int o = IndexOf(cluster, observer);
            int s = IndexOf(cluster, subject);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"+{seconds:F2} s ({phase}): node {o} declared node {s} {(dead ? "dead" : "suspect")}"));
        }

        return lines;
    }

    private static int IndexOf(UdpClusterUnderTest cluster, NodeId id)
    {
        for (int i = 0; i < cluster.Nodes.Count; i++)
        {
            if (cluster.Nodes[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    private static double Worst(List<AmplificationRow> rows) => rows.Count == 0 ? 0 : rows.Max(static r => r.Ratio);

    /// <summary>Every probed request type sent to one victim from fresh non-member addresses; <paramref name="receiverFor"/> names whom the frames are sealed for.</summary>
    private static List<AmplificationRow> Probe(UdpClusterUnderTest cluster, AttackFrames accepted, Func<GossipNode, NodeId> receiverFor)
    {
        var rows = new List<AmplificationRow>();
        GossipNode victim = cluster.Nodes[1];
        GossipNode member = cluster.Nodes[2];
        uint sequence = 5_000;
        foreach (MessageType type in AttackFrames.ProbedTypes)
        {
            // A fresh address per type (its own rate-limit bucket), listening on TCP at the same port to catch dial-backs.
            (Socket udp, Socket tcp) = BindPair();
            using (udp)
            using (tcp)
            {
                long sent = 0;
                for (int i = 0; i < RequestsPerType; i++)
                {
                    byte[] request = accepted.Request(type, ++sequence, victim.Id, member.Id, member.Address, receiverFor(victim));
                    udp.SendTo(request, victim.Address.ToEndPoint());
                    sent += request.Length;
                }

                // Relayed answers (ping-req) come after a probe timeout: wait past it.
                long answered = Collect(udp, TimeSpan.FromSeconds(1.5));
                int dialBacks = 0;
                while (tcp.Poll(0, SelectMode.SelectRead))
                {
                    using Socket accepted2 = tcp.Accept();
                    dialBacks++;
                }

                rows.Add(new AmplificationRow(type.ToString(), RequestsPerType, sent, answered, sent == 0 ? 0 : (double)answered / sent, dialBacks));
            }
        }

        return rows;
    }

    private static (Socket Udp, Socket Tcp) BindPair()
    {
        for (int attempt = 0; ; attempt++)
        {
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            tcp.Listen(16);
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)tcp.LocalEndPoint!).Port));
                return (udp, tcp);
            }
            catch (SocketException) when (attempt < 100)
            {
                udp.Dispose();
                tcp.Dispose();
            }
        }
    }

    private static void Fuzz(GossipNode victim, AttackFrames accepted, UdpClusterUnderTest cluster, long count, bool plaintext)
    {
        IPEndPoint target = victim.Address.ToEndPoint();
        byte[][] templates = [.. AttackFrames.ProbedTypes.Select((t, i) => accepted.Request(t, (uint)i, cluster.Nodes[0].Id, cluster.Nodes[1].Id, cluster.Nodes[1].Address, victim.Id))];
        var random = new Random(11);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        for (long i = 0; i < count; i++)
        {
            socket.SendTo(AttackFrames.Fuzz(random, templates[random.Next(templates.Length)], plaintext), target);
            if (i % 500 == 499)
            {
                // Paced a little, so the kernel's receive buffer does not drop the flood before the node sees it.
                Thread.Sleep(1);
                Drain(socket);
            }
        }
    }

    private static long Collect(Socket socket, TimeSpan window)
    {
        long bytes = 0;
        byte[] buffer = new byte[65_536];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            if (socket.Poll(20_000, SelectMode.SelectRead))
            {
                bytes += socket.Receive(buffer);
            }
        }

        return bytes;
    }

    private static void Drain(Socket socket)
    {
        byte[] buffer = new byte[65_536];
        while (socket.Available > 0)
        {
            socket.Receive(buffer);
        }
    }

    private static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return false;
    }

    private static long[] Drops(IReadOnlyList<GossipNode> nodes)
    {
        long[] drops = new long[16];
        foreach (GossipNode node in nodes)
        {
            for (int s = 0; s < drops.Length; s++)
            {
                drops[s] += node.Counters.DroppedFor((WireStatus)s);
            }
        }

        return drops;
    }

    private static long Sum(IReadOnlyList<GossipNode> nodes, Func<NodeCounters, long> read)
    {
        long total = 0;
        foreach (GossipNode node in nodes)
        {
            total += read(node.Counters);
        }

        return total;
    }
}
