namespace Gossip.LoadGen.Measurement;

/// <summary>Nearest-rank percentiles (p100 is the maximum), as docs/measurement.md ("Dissemination time") reports dissemination times.</summary>
internal static class Percentiles
{
    /// <summary>The <paramref name="percent"/>-th percentile of <paramref name="values"/>; NaN when empty.</summary>
    public static double Of(IReadOnlyList<double> values, double percent)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double[] sorted = [.. values];
        Array.Sort(sorted);
        int rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
