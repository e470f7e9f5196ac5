namespace Gossip.Engine;

// Presets live on GossipOptions itself (GossipOptions.Wan(), like memberlist's DefaultWANConfig) so they are found
// where the options are, and in their own file so the field definitions stay one concept and the presets another.
// ApplySynchronousModel is an instance method because simulation callers (SimulatedClusterOptions.Configure) are
// handed an existing instance to adjust rather than asked for a new one.
public sealed partial class GossipOptions
{
    /// <summary>
    /// A data-centre LAN: exactly the defaults (<c>new GossipOptions()</c>). Rounds every 200 ms, a probe every
    /// second with a 400 ms timeout, suspicion at 4 * log10(n) probe intervals: tuned for round trips well under a
    /// millisecond and rare loss. Start here and change what your measurements say.
    /// </summary>
    public static GossipOptions Lan() => new();

    /// <summary>
    /// Nodes spread over a wide-area network (round trips of tens to hundreds of milliseconds, more loss and
    /// jitter). Changes from <see cref="Lan"/>, each because a WAN link is slower, costlier and less reliable:
    /// <list type="bullet">
    /// <item><see cref="GossipInterval"/> 500 ms (LAN 200 ms): rounds must be long against a 100 ms+ round trip,
    /// or an exchange's answer arrives rounds later and traffic buys nothing.</item>
    /// <item><see cref="Fanout"/> 4 (LAN 3): with fewer rounds per second, more peers per round keep the spread time
    /// in seconds close to the LAN's (memberlist's WAN preset does the same).</item>
    /// <item><see cref="ProbeEveryRounds"/> 10 (5 s; LAN 1 s): probes cost WAN bandwidth and a slow path should not
    /// look like a dead node.</item>
    /// <item><see cref="ProbeTimeoutRounds"/> 5 (2.5 s; LAN 400 ms): a direct ack must be allowed a WAN round trip
    /// plus jitter before indirect probes are tried; 5 is the most <see cref="Validate"/> allows with 10.</item>
    /// <item><see cref="SuspicionMultiplier"/> 6 (LAN 4): loss and asymmetric paths make false suspicions likelier,
    /// so a suspect gets longer to refute before it is declared dead.</item>
    /// <item><see cref="ReapAfterRounds"/> 180 (90 s; LAN 30 s): news of a death takes longer to cross the WAN,
    /// and a late message must not resurrect the member meanwhile.</item>
    /// <item><see cref="SyncEveryRounds"/> 10 (5 s; LAN 1 s): anti-entropy digests are the largest frames; on a WAN
    /// start them at most once a probe interval.</item>
    /// </list>
    /// Every node of a cluster should run the same preset (<see cref="AggregationEpochRounds"/> must match).
    /// </summary>
    public static GossipOptions Wan() => new()
    {
        GossipInterval = TimeSpan.FromMilliseconds(500),
        Fanout = 4,
        ProbeEveryRounds = 10,
        ProbeTimeoutRounds = 5,
        SuspicionMultiplier = 6,
        ReapAfterRounds = 180,
        SyncEveryRounds = 10,
    };

    /// <summary>
    /// Every node on one host (loopback): tests, demos, LoadGen in one process. Changes from <see cref="Lan"/>, each
    /// because loopback has microsecond round trips and no loss:
    /// <list type="bullet">
    /// <item><see cref="GossipInterval"/> 100 ms (LAN 200 ms): rounds can be short when an answer takes microseconds,
    /// so rumors and failures spread twice as fast.</item>
    /// <item><see cref="ProbeEveryRounds"/> 10 (still 1 s at 100 ms): keeps the probe load per second of the LAN.</item>
    /// <item><see cref="ProbeTimeoutRounds"/> 2 (200 ms; LAN 400 ms): an ack that has not come back in 200 ms on
    /// loopback will not come.</item>
    /// <item><see cref="IndirectProbes"/> 1 (LAN 3): every indirect path crosses the same loopback, so more helpers
    /// add traffic and no independent evidence.</item>
    /// <item><see cref="RetransmitMultiplier"/> 2 (LAN 4): loopback loses nothing, so fewer retransmits reach
    /// everyone.</item>
    /// <item><see cref="SuspicionMultiplier"/> 3 (LAN 4): a live node on loopback refutes fast, so a shorter suspicion
    /// detects real failures sooner without more false positives.</item>
    /// </list>
    /// <see cref="ReapAfterRounds"/> stays 150 rounds, which at 100 ms is 15 s (memberlist's local preset also keeps
    /// the dead for 15 s).
    /// </summary>
    public static GossipOptions Local() => new()
    {
        GossipInterval = TimeSpan.FromMilliseconds(100),
        ProbeEveryRounds = 10,
        ProbeTimeoutRounds = 2,
        IndirectProbes = 1,
        RetransmitMultiplier = 2,
        SuspicionMultiplier = 3,
    };

    /// <summary>
    /// The defaults of <see cref="Lan"/> run in the synchronous model of the gossip literature (see
    /// <see cref="ApplySynchronousModel"/>): the model the convergence measurements and the spread tests compare
    /// against the formulas.
    /// </summary>
    public static GossipOptions Synchronous() => new GossipOptions().ApplySynchronousModel();

    /// <summary>
    /// Switches these options to the synchronous model of the gossip literature, in which a rumor moves only at round
    /// boundaries and every node exchanges every round: <see cref="EagerPush"/> false (no forward on arrival, which
    /// would let a rumor cross several hops inside one round and beat the model's round count) and
    /// <see cref="ExchangeWhenIdle"/> true (every node runs its exchanges each round, even with nothing to spread, as
    /// the model's pull and push-pull assume). Use it to measure rounds-to-spread against theory, not in production:
    /// it costs more datagrams and spreads more slowly than the defaults. Nothing else changes.
    /// </summary>
    /// <returns>These options, so calls can be chained.</returns>
    public GossipOptions ApplySynchronousModel()
    {
        EagerPush = false;
        ExchangeWhenIdle = true;
        return this;
    }
}
