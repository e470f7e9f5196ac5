using System.Net;
using System.Text;
using Gossip.Engine;
using Gossip.Engine.Transport.Udp;
using Gossip.LoadGen.Measurement;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// This process's share of a cluster spread over several processes or hosts: <see cref="PartPlan.NodesPerPart"/> real
/// nodes on UDP (and TCP for large frames), with the ids the plan gives this part, bound at consecutive ports from
/// <c>bind</c> (or at any free port when its port is 0) and joined through the seeds. Notifications go to a
/// <see cref="PartEventLog"/>; the <see cref="EventLog"/> of the scenario seam stays empty (rumors of other processes
/// cannot be named by id there).
/// </summary>
internal sealed class PartCluster : UdpNodeCluster
{

    /// <summary>Starts the nodes of part <paramref name="part"/> of <paramref name="plan"/> and has them join <paramref name="seeds"/>.</summary>
    /// <param name="plan">The run.</param>
    /// <param name="part">This process's part, from 0.</param>
    /// <param name="bind">Address of node 0; node i binds port + i (any free port when the port is 0).</param>
    /// <param name="advertise">Address peers should use for node 0 (node i: port + i), when it differs from <paramref name="bind"/>.</param>
    /// <param name="seeds">Where to join; empty: part 0's node 0 (this process's own, in part 0).</param>
    /// <param name="configure">Options every node gets (interval, fanout, mode, keys).</param>
    public PartCluster(PartPlan plan, int part, IPEndPoint bind, IPEndPoint? advertise, IReadOnlyList<IPEndPoint> seeds, Action<GossipOptions> configure)
        : base(plan?.NodesPerPart ?? 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(configure);
        Plan = plan;
        Part = part;
        int count = plan.NodesPerPart;
        Interval = plan.Interval;
        try
        {
            for (int i = 0; i < count; i++)
            {
                var options = new GossipOptions { EventCapacity = 4_096, GossipInterval = plan.Interval };
                configure(options);
                options.NodeId = plan.IdOf(part, i);
                var transport = new UdpTransport(new UdpTransportOptions
                {
                    Bind = Offset(bind, i),
                    Advertise = advertise is null ? null : Offset(advertise, i),
                    MaxDatagramBytes = options.MaxDatagramBytes,
                });
                Add(new GossipNode(options, transport));
            }
        }
        catch
        {
            // A port already taken: close what was opened, so the error is the only thing left behind.
            Dispose();
            throw;
        }

        foreach (GossipNode node in Nodes)
        {
            node.Start();
        }

        var join = new List<WireAddress>();
        foreach (IPEndPoint endPoint in seeds)
        {
            join.Add(WireAddress.FromEndPoint(endPoint));
        }

        if (join.Count == 0 && part == 0 && count > 0)
        {
            join.Add(Nodes[0].Address);
        }

        foreach (GossipNode node in Nodes)
        {
            node.Join(join);
        }
    }

    /// <summary>The run this process takes part in.</summary>
    public PartPlan Plan { get; }

    /// <summary>This process's part.</summary>
    public int Part { get; }

    /// <summary>Rumor arrivals and death declarations seen by this process's nodes.</summary>
    public PartEventLog PartLog { get; } = new();

    /// <summary>Live nodes in the whole cluster a converged node sees (set by the run as crashes happen anywhere).</summary>
    public int ExpectedLive { get; set; }

    /// <summary>
    /// The coordinator (part 0's node 0, in this process) announces the shared start to the cluster: a rumor, which
    /// reaches every live node once and retires. (A state key did the same at first, but at 512 nodes it kept the
    /// steady window's bandwidth at 2.5 times that of a cluster without it: docs/performance.md, "Several processes".)
    /// </summary>
    public void AnnounceStart(string value)
    {
        if (Part != 0 || Count == 0)
        {
            throw new InvalidOperationException("Only part 0 holds the coordinator.");
        }

        byte[] text = Encoding.UTF8.GetBytes(value);
        byte[] payload = [.. PartEventLog.AnnouncementPrefix, .. text];
        _ = Nodes[0].Broadcast(payload);
    }

    /// <summary>The coordinator's start announcement as the first node here to receive it had it; false while none has.</summary>
    public bool TryReadStart(out string value) => PartLog.TryGetAnnouncement(Plan.CoordinatorId, out value);

    private static IPEndPoint Offset(IPEndPoint first, int index) => first.Port == 0 ? first : new IPEndPoint(first.Address, first.Port + index);

    /// <inheritdoc />
    protected override int ExpectedMembers() => ExpectedLive;

    /// <inheritdoc />
    protected override void Record(NodeId id, in GossipEvent e) => PartLog.Record(id, e);
}
