using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Membership;

/// <summary>The peer selector: a shuffled round-robin over live peers, new members slotted into the current pass, never dead, removed or self.</summary>
public sealed class PeerSelectorTests
{
    [Fact]
    public void Next_OverEachPass_ReturnsEveryLivePeerExactlyOnce()
    {
        (MemberTable table, Member self) = Cluster(10);
        var selector = new PeerSelector(table, self, new SeededRandom(1));

        for (int pass = 0; pass < 3; pass++)
        {
            var picked = new HashSet<ulong>();
            for (int i = 0; i < 9; i++)
            {
                Assert.True(picked.Add(selector.Next()!.Id.Value), $"a peer was picked twice in pass {pass}");
            }

            Assert.Equal(Ids(2, 10), picked);
        }
    }

    [Fact]
    public void Next_AcrossPasses_ShufflesTheOrder()
    {
        (MemberTable table, Member self) = Cluster(10);
        var selector = new PeerSelector(table, self, new SeededRandom(1));

        ulong[] first = Picks(selector, 9);
        ulong[] second = Picks(selector, 9);

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Next_WithDeadRemovedAndSelf_NeverReturnsThem()
    {
        (MemberTable table, Member self) = Cluster(8);
        Member deadBefore = Get(table, 2);
        deadBefore.Status = MemberStatus.Dead;
        var selector = new PeerSelector(table, self, new SeededRandom(3));
        selector.Next(); // the pass is drawn now; the next two change during it

        Member removed = Get(table, 3);
        table.Remove(removed);
        Member diedDuringPass = Get(table, 4);
        diedDuringPass.Status = MemberStatus.Dead;

        for (int i = 0; i < 40; i++)
        {
            ulong id = selector.Next()!.Id.Value;
            Assert.DoesNotContain(id, new ulong[] { 1, 2, 3, 4 });
        }
    }

    [Fact]
    public void Next_OnlySelfLive_ReturnsNull()
    {
        (MemberTable table, Member self) = Cluster(3);
        Get(table, 2).Status = MemberStatus.Dead;
        Get(table, 3).Status = MemberStatus.Dead;
        var selector = new PeerSelector(table, self, new SeededRandom(1));

        Assert.Null(selector.Next());
    }

    [Fact]
    public void Added_DuringAPass_IsPickedBeforeThatPassEnds()
    {
        // Over many seeds, so the newcomer cannot pass by being drawn first in the next pass by luck.
        for (ulong seed = 1; seed <= 32; seed++)
        {
            (MemberTable table, Member self) = Cluster(6);
            var selector = new PeerSelector(table, self, new SeededRandom(seed));
            var picked = new HashSet<ulong> { selector.Next()!.Id.Value, selector.Next()!.Id.Value };

            Member late = new(new NodeId(100), 1, default) { Status = MemberStatus.Alive };
            table.TryAdd(late);
            selector.Added(late);
            selector.Added(self); // ignored

            // The pass had 5 peers, 2 picked: 3 left, plus the newcomer.
            for (int i = 0; i < 4; i++)
            {
                Assert.True(picked.Add(selector.Next()!.Id.Value), $"seed {seed}: a peer was picked twice in one pass");
            }

            Assert.Equal(new ulong[] { 2, 3, 4, 5, 6, 100 }, picked.Order());
        }
    }

    [Fact]
    public void NextDistinct_ManyCalls_AlwaysFillsWithDistinctLivePeers()
    {
        (MemberTable table, Member self) = Cluster(6);
        var selector = new PeerSelector(table, self, new SeededRandom(5));

        // Three of five per call: most calls straddle the end of a pass, where the new pass may repeat a pick.
        for (int call = 0; call < 100; call++)
        {
            Member[] peers = selector.NextDistinct(3).ToArray();

            Assert.Equal(3, peers.Length);
            Assert.Equal(3, new HashSet<Member>(peers, ReferenceEqualityComparer.Instance).Count);
            Assert.DoesNotContain(self, peers);
        }
    }

    [Fact]
    public void NextDistinct_AskingForMoreThanExist_ReturnsEachLivePeerOnce()
    {
        (MemberTable table, Member self) = Cluster(4);
        var selector = new PeerSelector(table, self, new SeededRandom(5));
        Member[] peers = selector.NextDistinct(8).ToArray();

        Assert.Equal(3, peers.Length);
        Assert.Equal(Ids(2, 4), new HashSet<ulong>(peers.Select(p => p.Id.Value)));
    }

    /// <summary>A table of members 1..n, all alive; member 1 is self.</summary>
    private static (MemberTable Table, Member Self) Cluster(int n)
    {
        var table = new MemberTable(64);
        for (ulong id = 1; id <= (ulong)n; id++)
        {
            table.TryAdd(new Member(new NodeId(id), 1, default) { Status = MemberStatus.Alive });
        }

        return (table, Get(table, 1));
    }

    private static Member Get(MemberTable table, ulong id)
    {
        Assert.True(table.TryGet(new NodeId(id), out Member member));
        return member;
    }

    private static HashSet<ulong> Ids(ulong first, ulong last)
    {
        var ids = new HashSet<ulong>();
        for (ulong id = first; id <= last; id++)
        {
            ids.Add(id);
        }

        return ids;
    }

    private static ulong[] Picks(PeerSelector selector, int count)
    {
        ulong[] ids = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = selector.Next()!.Id.Value;
        }

        return ids;
    }
}
