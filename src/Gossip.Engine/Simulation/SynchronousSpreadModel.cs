namespace Gossip.Engine.Simulation;

/// <summary>
/// The plain synchronous model of the literature, the yardstick for convergence: in every round every node contacts
/// <c>fanout</c> peers chosen uniformly at random; push informs the contacted peer, pull informs the caller,
/// push-pull both; the state at the start of the round decides.
/// </summary>
internal static class SynchronousSpreadModel
{
    /// <summary>Rounds until all <paramref name="n"/> nodes know a rumor one node started, in one seeded run; <paramref name="informedPerRound"/> (optional) receives the count after each round.</summary>
    public static int RoundsToSpread(int n, int fanout, DisseminationMode mode, ulong seed, List<int>? informedPerRound = null)
    {
        var random = new SeededRandom(seed);
        bool[] informed = new bool[n];
        bool[] next = new bool[n];
        informed[0] = true;
        int count = 1;
        int rounds = 0;
        while (count < n && rounds < 10_000)
        {
            Array.Copy(informed, next, n);
            for (int caller = 0; caller < n; caller++)
            {
                for (int k = 0; k < fanout; k++)
                {
                    int callee = random.Next(n - 1);
                    callee += callee >= caller ? 1 : 0;
                    if (informed[caller] && mode != DisseminationMode.Pull)
                    {
                        next[callee] = true;
                    }

                    if (informed[callee] && mode != DisseminationMode.Push)
                    {
                        next[caller] = true;
                    }
                }
            }

            (informed, next) = (next, informed);
            count = 0;
            foreach (bool b in informed)
            {
                count += b ? 1 : 0;
            }

            informedPerRound?.Add(count);
            rounds++;
        }

        return rounds;
    }

    /// <summary>The median of <paramref name="runs"/> seeded runs.</summary>
    public static int MedianRounds(int n, int fanout, DisseminationMode mode, int runs)
    {
        int[] results = new int[runs];
        for (int i = 0; i < runs; i++)
        {
            results[i] = RoundsToSpread(n, fanout, mode, (ulong)(1000 + i));
        }

        Array.Sort(results);
        return results[runs / 2];
    }
}
