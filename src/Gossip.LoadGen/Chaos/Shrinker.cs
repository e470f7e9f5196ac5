using Gossip.Engine.Runtime;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// Looks for a smaller schedule that still breaks the same invariant: drop faults one at a time, then halve the node
/// count, then halve each fault's duration, keeping every change that still fails, until a pass changes nothing or the
/// run budget is spent. Each attempt is a full deterministic run with the original seed.
/// </summary>
internal static class Shrinker
{
    public static ShrinkResult Shrink(ChaosSchedule failing, ProtocolMutation mutation = ProtocolMutation.None, int budget = 200)
    {
        ChaosOutcome first = ChaosCampaign.RunOne(failing, mutation);
        if (!first.Failed)
        {
            return new ShrinkResult(failing, first, 1);
        }

        string invariant = first.Violations[0].Invariant;
        ChaosSchedule best = failing;
        ChaosOutcome bestOutcome = first;
        int runs = 1;
        bool changed = true;
        while (changed && runs < budget)
        {
            changed = false;
            for (int i = best.Faults.Count - 1; i >= 0 && runs < budget; i--)
            {
                var fewer = new List<ChaosFault>(best.Faults);
                fewer.RemoveAt(i);
                changed |= TryKeep(best with { Faults = fewer }, ref best, ref bestOutcome, ref runs, invariant, mutation);
            }

            while (best.Nodes > 3 && runs < budget
                && TryKeep(best with { Nodes = Math.Max(3, best.Nodes / 2) }, ref best, ref bestOutcome, ref runs, invariant, mutation))
            {
                changed = true;
            }

            for (int i = 0; i < best.Faults.Count && runs < budget; i++)
            {
                ChaosFault fault = best.Faults[i];
                if (fault.Rounds > 1)
                {
                    var shorter = new List<ChaosFault>(best.Faults) { [i] = fault with { Rounds = fault.Rounds / 2 } };
                    changed |= TryKeep(best with { Faults = shorter }, ref best, ref bestOutcome, ref runs, invariant, mutation);
                }
            }
        }

        return new ShrinkResult(best, bestOutcome, runs);
    }

    private static bool TryKeep(ChaosSchedule candidate, ref ChaosSchedule best, ref ChaosOutcome bestOutcome, ref int runs, string invariant, ProtocolMutation mutation)
    {
        runs++;
        ChaosOutcome outcome = ChaosCampaign.RunOne(candidate, mutation);
        if (outcome.Failed && outcome.Violations[0].Invariant == invariant)
        {
            best = candidate;
            bestOutcome = outcome;
            return true;
        }

        return false;
    }
}

/// <summary>The smallest failing schedule found, its outcome, and how many runs the search took.</summary>
internal sealed record ShrinkResult(ChaosSchedule Schedule, ChaosOutcome Outcome, int Runs);
