using Gossip.Engine;
using Gossip.Wire;

namespace Gossip.LoadGen.Runner;

/// <summary>
/// What every process of a multi-process run computes alike from the same run id, seed and sizes, so that they need to
/// exchange nothing but the start time: the node ids of every process, which node originates each rumor, which node
/// crashes when, and the timetable of the run after the shared start (steady window, rumors, crashes, end).
/// </summary>
/// <remarks>
/// Node <c>index</c> of process <c>part</c> has the id <c>Mix(hash(run id) ^ (part &lt;&lt; 32 | index))</c>. The mix is a
/// bijection of 64-bit values, so two nodes of one run never share an id, and a process can name a node of another
/// process (a crash victim, a rumor origin, the coordinator) without hearing from it. Part 0's node 0 is the
/// coordinator: it announces the start and is never crashed.
/// </remarks>
internal sealed record PartPlan
{
    /// <summary>The run's name; processes of different runs have different node ids and never see each other's start.</summary>
    public required string RunId { get; init; }

    /// <summary>Processes in the run.</summary>
    public required int Parts { get; init; }

    /// <summary>Nodes in each process.</summary>
    public required int NodesPerPart { get; init; }

    /// <summary>Seed of the rumor origins and the crash victims.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Gossip interval of every node.</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>The steady window, from the shared start.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>Rumors asked for (at most one per node).</summary>
    public required int Rumors { get; init; }

    /// <summary>Time from one rumor to the next.</summary>
    public required TimeSpan RumorSpacing { get; init; }

    /// <summary>Crashes asked for (at most <see cref="CrashSeries.MaxCrashes"/> of the whole cluster).</summary>
    public required int Crashes { get; init; }

    /// <summary>Time from one crash to the next.</summary>
    public required TimeSpan CrashSpacing { get; init; }

    /// <summary>Nodes in the whole cluster.</summary>
    public int ClusterNodes => Parts * NodesPerPart;

    /// <summary>When the first rumor is originated, from the shared start: the end of the steady window.</summary>
    public TimeSpan RumorsStart => Window;

    /// <summary>When the first crash happens, from the shared start.</summary>
    public TimeSpan CrashesStart => RumorsStart + (RumorSpacing * Math.Min(Rumors, ClusterNodes));

    /// <summary>When every process stops measuring, from the shared start: one spacing after the last crash.</summary>
    public TimeSpan End => CrashesStart + (CrashSpacing * CrashPlan.Count);

    /// <summary>The rumors in order: which node originates each, and when (drawn on each read: the plan is small, and a copy made with <c>with</c> must not keep an old draw).</summary>
    public IReadOnlyList<PlannedEvent> RumorPlan => Draw(Rumors, first: 0, salt: 0x52554D4F52UL, RumorsStart, RumorSpacing);

    /// <summary>The crashes in order: which node crashes, and when (never the coordinator).</summary>
    public IReadOnlyList<PlannedEvent> CrashPlan => Draw(Math.Min(Crashes, CrashSeries.MaxCrashes(ClusterNodes)), first: 1, salt: 0x4352415348UL, CrashesStart, CrashSpacing);

    /// <summary>The id of node <paramref name="index"/> of process <paramref name="part"/>.</summary>
    public NodeId IdOf(int part, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ulong key = RunHash(RunId) ^ ((ulong)(uint)part << 32 | (uint)index);

        // A bijection maps exactly one key of 2^64 to 0 (NodeId.None, "draw one at random"); no run will meet it.
        return new NodeId(Mix(key));
    }

    /// <summary>The coordinator's id: part 0, node 0.</summary>
    public NodeId CoordinatorId => IdOf(0, 0);

    /// <summary>FNV-1a over the UTF-16 code units of <paramref name="runId"/>: the same on every platform and runtime (string.GetHashCode is randomized per process).</summary>
    public static ulong RunHash(string runId)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in runId)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        return hash;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // Distinct nodes, global index from `first` on, drawn from the run's seed (salted so rumors and crashes differ).
    private PlannedEvent[] Draw(int count, int first, ulong salt, TimeSpan start, TimeSpan spacing)
    {
        int pool = ClusterNodes - first;
        count = Math.Clamp(count, 0, Math.Max(pool, 0));
        var random = new SeededRandom(Seed ^ salt);
        var taken = new HashSet<int>();
        var events = new PlannedEvent[count];
        for (int k = 0; k < count;)
        {
            int global = first + random.Next(pool);
            if (taken.Add(global))
            {
                events[k] = new PlannedEvent(k, global / NodesPerPart, global % NodesPerPart, start + (spacing * k));
                k++;
            }
        }

        return events;
    }
}
