using Gossip.Engine;
using Gossip.Engine.Simulation;

namespace Gossip.LoadGen.Tests;

public sealed class IdealModelTests
{
    [Fact]
    public void TwoNodes_PushFanout1_OneRound()
    {
        // Node 0 knows and must call node 1, the only other node.
        var informed = new List<int>();
        Assert.Equal(1, SynchronousSpreadModel.RoundsToSpread(2, 1, DisseminationMode.Push, seed: 5, informed));
        Assert.Equal([2], informed);
    }

    [Fact]
    public void Spread_IsMonotonic_EndsWithEveryNode_AndIsReproducible()
    {
        var a = new List<int>();
        var b = new List<int>();
        int rounds = SynchronousSpreadModel.RoundsToSpread(1_000, 3, DisseminationMode.PushPull, seed: 42, a);
        Assert.Equal(rounds, SynchronousSpreadModel.RoundsToSpread(1_000, 3, DisseminationMode.PushPull, seed: 42, b));
        Assert.Equal(a, b);
        Assert.Equal(rounds, a.Count);
        Assert.Equal(1_000, a[^1]);
        for (int i = 1; i < a.Count; i++)
        {
            Assert.True(a[i] >= a[i - 1]);
        }
    }

    [Fact]
    public void Push_AtMostMultipliesTheInformedBy1PlusFanout_EachRound()
    {
        var informed = new List<int>();
        SynchronousSpreadModel.RoundsToSpread(10_000, 3, DisseminationMode.Push, seed: 7, informed);
        int previous = 1;
        foreach (int count in informed)
        {
            Assert.True(count <= previous * 4, $"{count} > 4 * {previous}");
            previous = count;
        }

        // So full spread takes at least log4(10,000) = 6.6 rounds.
        Assert.True(informed.Count >= 7);
    }
}
