using Gossip.Engine.FailureDetection;
using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Components;

/// <summary>The scheduled probe's rotation: one prober per member per probe period while tables agree.</summary>
public sealed class ProbeRotationTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(128)]
    public void InEveryPeriod_EveryMemberIsProbedByExactlyOneOther_AndEachProberVisitsEveryoneOncePerPass(int n)
    {
        ulong[] ids = Enumerable.Range(0, n).Select(i => (ulong)(1_000 + (i * 7_919))).ToArray();
        (MemberTable Table, ProbeRotation Rotation)[] nodes = ids.Select(id => (TableOf(ids), new ProbeRotation())).ToArray();
        HashSet<NodeId>[] visited = ids.Select(_ => new HashSet<NodeId>()).ToArray();

        for (int period = 0; period < n - 1; period++)
        {
            // Each node's timer fires at its own phase within the period.
            var probed = new Dictionary<NodeId, int>();
            for (int i = 0; i < n; i++)
            {
                DateTimeOffset now = Start + (Interval * period) + TimeSpan.FromMilliseconds((i * 37) % 1_000);
                Member self = Self(nodes[i].Table, ids[i]);
                Member target = Assert.IsType<Member>(nodes[i].Rotation.Pick(nodes[i].Table, self, [], now, Interval));
                Assert.NotEqual(self.Id, target.Id);
                probed[target.Id] = probed.GetValueOrDefault(target.Id) + 1;
                visited[i].Add(target.Id);
            }

            Assert.Equal(n, probed.Count);
            Assert.All(probed.Values, count => Assert.Equal(1, count));
        }

        Assert.All(visited, targets => Assert.Equal(n - 1, targets.Count));
    }

    [Fact]
    public void ASecondProbeInOnePeriod_GoesToTheShuffledRoundRobin()
    {
        MemberTable table = TableOf([1, 2, 3]);
        var rotation = new ProbeRotation();

        Assert.NotNull(rotation.Pick(table, Self(table, 1), [], Start, Interval));
        Assert.Null(rotation.Pick(table, Self(table, 1), [], Start + TimeSpan.FromMilliseconds(900), Interval));
        Assert.NotNull(rotation.Pick(table, Self(table, 1), [], Start + Interval, Interval));
    }

    // A crashed prober held dead by everyone leaves no hole: the rotation runs over the live members.
    [Fact]
    public void MembersHeldDead_AreLeftOut_AndTheLiveOnesAreStillProbedOnceEachPeriod()
    {
        ulong[] ids = [10, 20, 30, 40, 50, 60];
        MemberTable[] tables = ids.Select(_ => TableOf(ids)).ToArray();
        List<Member>[] down = new List<Member>[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            // Listed twice, as a member declared dead then departed is.
            Member dead = MarkDead(tables[i], 30);
            down[i] = [dead, dead];
        }

        ProbeRotation[] rotations = ids.Select(_ => new ProbeRotation()).ToArray();
        for (int period = 0; period < 10; period++)
        {
            var probed = new Dictionary<NodeId, int>();
            for (int i = 0; i < ids.Length; i++)
            {
                if (ids[i] == 30)
                {
                    continue;
                }

                Member target = Assert.IsType<Member>(rotations[i].Pick(tables[i], Self(tables[i], ids[i]), down[i], Start + (Interval * period), Interval));
                probed[target.Id] = probed.GetValueOrDefault(target.Id) + 1;
            }

            Assert.Equal(5, probed.Count);
            Assert.DoesNotContain(new NodeId(30), probed.Keys);
        }
    }

    [Fact]
    public void WhenTheDownListDoesNotAddUp_ThereIsNoRotation()
    {
        MemberTable table = TableOf([1, 2, 3]);
        Member dead = MarkDead(table, 2);

        Assert.Null(new ProbeRotation().Pick(table, Self(table, 1), [], Start, Interval));
        Assert.NotNull(new ProbeRotation().Pick(table, Self(table, 1), [dead], Start, Interval));
    }

    [Fact]
    public void InAPartialView_ThereIsNoRotation()
    {
        MemberTable table = TableOf([1, 2, 3], capacity: 3);

        Assert.True(table.IsFull);
        Assert.Null(new ProbeRotation().Pick(table, Self(table, 1), [], Start, Interval));
    }

    private static MemberTable TableOf(ulong[] ids, int capacity = 1_024)
    {
        var table = new MemberTable(capacity);
        foreach (ulong id in ids)
        {
            Assert.True(table.TryAdd(new Member(new NodeId(id), 1, ComponentHarness.AddressOf(id)) { Status = MemberStatus.Alive }));
        }

        return table;
    }

    private static Member MarkDead(MemberTable table, ulong id)
    {
        Assert.True(table.TryGet(new NodeId(id), out Member member));
        ulong oldHash = member.Hash;
        member.Status = MemberStatus.Dead;
        table.Refresh(member, wasLive: true, oldHash);
        return member;
    }

    private static Member Self(MemberTable table, ulong id)
    {
        Assert.True(table.TryGet(new NodeId(id), out Member self));
        return self;
    }
}
