namespace Gossip.Engine;

/// <summary>
/// The protocol's pure formulas in one place (as memberlist keeps them in util.go), each table-tested.
/// Rounds are gossip rounds; n is the number of live members, this node included.
/// </summary>
internal static class Formulas
{
    /// <summary>ceil(log10(n + 1)), at least 1: the "log n" of retransmit and suspicion scaling.</summary>
    public static int Log10Ceiling(int n)
    {
        int digits = 1;
        for (long bound = 10; bound <= n; bound *= 10)
        {
            digits++;
        }

        return digits;
    }

    /// <summary>How many times a rumor is transmitted before it retires: lambda * ceil(log10(n + 1)).</summary>
    public static int RetransmitLimit(int multiplier, int n) => multiplier * Log10Ceiling(n);

    /// <summary>
    /// Lifeguard-style suspicion timeout in rounds. With no confirmations it is the maximum,
    /// <c>multiplier * ceil(log10(n+1)) * probeRounds</c>; each independent confirmation shrinks it
    /// logarithmically towards the minimum, one probe interval, reached at <paramref name="wantedConfirmations"/>.
    /// The minimum was one probe timeout until the chaos runner showed it too short: in a small cluster every peer
    /// confirms a suspicion within a round or two, so a node paused for 0.9 s (a long GC) was declared dead 0.4 s
    /// after the first suspicion, before it could resume and refute. A pause shorter than a probe interval now
    /// always ends before the verdict.
    /// </summary>
    public static int SuspicionTimeoutRounds(int multiplier, int n, int probeRounds, int probeTimeoutRounds, int confirmations, int wantedConfirmations)
    {
        int min = Math.Max(probeRounds, probeTimeoutRounds);
        int max = Math.Max(multiplier * Log10Ceiling(n) * probeRounds, min);
        if (wantedConfirmations <= 1 || confirmations >= wantedConfirmations)
        {
            return confirmations >= wantedConfirmations ? min : max;
        }

        double fraction = Math.Log(Math.Max(0, confirmations - 1) + 1.0) / Math.Log(wantedConfirmations);
        return Math.Max(min, (int)Math.Floor(max - ((max - min) * fraction)));
    }

    /// <summary>Anti-entropy exchanges needed to sweep a whole member table when one digest carries <paramref name="entriesPerDigest"/> entries.</summary>
    public static int SweepExchanges(int n, int entriesPerDigest) => entriesPerDigest <= 0 ? int.MaxValue : (n + entriesPerDigest - 1) / entriesPerDigest;

    /// <summary>
    /// Probability that a node told of a suspicion probes the suspect itself, so about four times the wanted
    /// confirmations do (enough that fewer than the wanted number is very unlikely): min(1, 4k / n).
    /// </summary>
    public static double ConfirmationProbeProbability(int wantedConfirmations, int n) => n <= 0 ? 1 : Math.Min(1.0, 4.0 * wantedConfirmations / n);

    /// <summary>
    /// Rounds a relay waits for the target's ack before it nacks: Lifeguard's 80 % of the probe timeout, at least one
    /// round, so the nack reaches the requester before its own verdict on the indirect probe.
    /// </summary>
    public static int NackDelayRounds(int probeTimeoutRounds) => Math.Max(1, probeTimeoutRounds * 4 / 5);
}
