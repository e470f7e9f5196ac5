using Gossip.Engine.Membership;
using Gossip.Wire;

namespace Gossip.Engine.Tests.Membership;

/// <summary>The member table: sorted by id, range hashes for anti-entropy, a live-member XOR hash and count kept right by Refresh and Remove, bounded, snapshots rebuilt only after a change.</summary>
public sealed class MemberTableTests
{
    [Fact]
    public void TryAdd_InAnyOrder_KeepsMembersSortedById()
    {
        var table = new MemberTable(16);
        foreach (ulong id in new ulong[] { 50, 10, 40, 20, 30 })
        {
            Assert.True(table.TryAdd(Alive(id)));
        }

        Assert.Equal(5, table.Count);
        for (int i = 0; i < table.Count; i++)
        {
            Assert.Equal((ulong)(10 * (i + 1)), table[i].Id.Value);
        }
    }

    [Theory]
    [InlineData(0UL, 0)]
    [InlineData(10UL, 0)]
    [InlineData(11UL, 1)]
    [InlineData(20UL, 1)]
    [InlineData(30UL, 2)]
    [InlineData(31UL, 3)]
    [InlineData(ulong.MaxValue, 3)]
    public void LowerBound_AnyId_ReturnsIndexOfFirstMemberWithIdAtLeastIt(ulong id, int expected)
    {
        MemberTable table = TableOf(10, 20, 30);

        Assert.Equal(expected, table.LowerBound(id));
    }

    [Fact]
    public void RangeHash_InclusiveRange_XorsTheHashesOfMembersInsideAndCountsThem()
    {
        MemberTable table = TableOf(10, 20, 30, 40, 50);

        ulong hash = table.RangeHash(20, 40, out int count);

        Assert.Equal(3, count);
        Assert.Equal(HashOf(table, 20) ^ HashOf(table, 30) ^ HashOf(table, 40), hash);
    }

    [Fact]
    public void RangeHash_RangeWithoutMembers_IsZeroWithCountZero()
    {
        MemberTable table = TableOf(10, 20);

        ulong hash = table.RangeHash(11, 19, out int count);

        Assert.Equal(0, count);
        Assert.Equal(0UL, hash);
    }

    [Fact]
    public void Hash_MixedStatuses_IsXorOfLiveMembersOnly()
    {
        var table = new MemberTable(16);
        Member alive = Alive(1);
        Member suspect = Alive(2);
        suspect.Status = MemberStatus.Suspect;
        Member dead = Alive(3);
        dead.Status = MemberStatus.Dead;

        table.TryAdd(alive);
        table.TryAdd(suspect);
        table.TryAdd(dead);

        Assert.Equal(2, table.LiveCount);
        Assert.Equal(Expected(alive) ^ Expected(suspect), table.Hash);
        Assert.Equal(0UL, dead.Hash);
    }

    [Fact]
    public void Refresh_AfterVersionStatusAndGenerationChanges_KeepsLiveCountAndHashRight()
    {
        MemberTable table = TableOf(1, 2, 3);
        Assert.True(table.TryGet(new NodeId(2), out Member member));

        Change(table, member, m => m.MaxVersion = 7);
        AssertConsistent(table);

        Change(table, member, m => m.Status = MemberStatus.Dead);
        AssertConsistent(table);
        Assert.Equal(2, table.LiveCount);

        Change(table, member, m =>
        {
            m.Status = MemberStatus.Alive;
            m.Generation = 2;
        });
        AssertConsistent(table);
        Assert.Equal(3, table.LiveCount);
    }

    [Fact]
    public void Remove_LiveMember_DropsItFromCountsHashAndOrderAndMarksItRemoved()
    {
        MemberTable table = TableOf(10, 20, 30);
        Assert.True(table.TryGet(new NodeId(20), out Member member));

        table.Remove(member);

        Assert.True(member.Removed);
        Assert.False(table.TryGet(new NodeId(20), out _));
        Assert.Equal(2, table.Count);
        Assert.Equal(2, table.LiveCount);
        Assert.Equal(30UL, table[1].Id.Value);
        AssertConsistent(table);
    }

    [Fact]
    public void Remove_MemberNotInTable_ChangesNothing()
    {
        MemberTable table = TableOf(10, 20);
        ulong hash = table.Hash;
        MemberSnapshot[] snapshot = table.Snapshot();
        Member stranger = Alive(15);

        table.Remove(stranger);

        Assert.False(stranger.Removed);
        Assert.Equal(2, table.Count);
        Assert.Equal(hash, table.Hash);
        Assert.Same(snapshot, table.Snapshot());
    }

    [Fact]
    public void TryAdd_AtCapacity_IsFullAndRejects()
    {
        var table = new MemberTable(2);
        table.TryAdd(Alive(1));
        Assert.False(table.IsFull);
        table.TryAdd(Alive(2));

        bool added = table.TryAdd(Alive(3));

        Assert.True(table.IsFull);
        Assert.False(added);
        Assert.Equal(2, table.Count);
        Assert.False(table.TryGet(new NodeId(3), out _));
    }

    [Fact]
    public void Snapshot_WithoutChange_ReturnsTheSameArray()
    {
        MemberTable table = TableOf(1, 2);

        MemberSnapshot[] first = table.Snapshot();

        Assert.Same(first, table.Snapshot());
    }

    [Fact]
    public void Snapshot_AfterEachKindOfChange_IsRebuiltWithTheChange()
    {
        MemberTable table = TableOf(1, 2);
        MemberSnapshot[] before = table.Snapshot();

        table.TryAdd(Alive(3));
        MemberSnapshot[] afterAdd = table.Snapshot();
        Assert.NotSame(before, afterAdd);
        Assert.Equal(3, afterAdd.Length);

        Assert.True(table.TryGet(new NodeId(1), out Member member));
        Change(table, member, m => m.Status = MemberStatus.Suspect);
        MemberSnapshot[] afterRefresh = table.Snapshot();
        Assert.NotSame(afterAdd, afterRefresh);
        Assert.Equal(MemberStatus.Suspect, afterRefresh[0].Status);

        table.Remove(member);
        MemberSnapshot[] afterRemove = table.Snapshot();
        Assert.NotSame(afterRefresh, afterRemove);
        Assert.Equal(2, afterRemove.Length);
    }

    private static Member Alive(ulong id) => new(new NodeId(id), 1, default) { Status = MemberStatus.Alive };

    private static MemberTable TableOf(params ulong[] ids)
    {
        var table = new MemberTable(64);
        foreach (ulong id in ids)
        {
            table.TryAdd(Alive(id));
        }

        return table;
    }

    private static ulong Expected(Member m) => MemberTable.MemberHash(m.Id, m.Generation, m.MaxVersion);

    private static ulong HashOf(MemberTable table, ulong id)
    {
        Assert.True(table.TryGet(new NodeId(id), out Member member));
        return member.Hash;
    }

    /// <summary>Changes a member the way the node does: remember liveness and hash, change, Refresh.</summary>
    private static void Change(MemberTable table, Member member, Action<Member> change)
    {
        bool wasLive = member.IsLive;
        ulong oldHash = member.Hash;
        change(member);
        table.Refresh(member, wasLive, oldHash);
    }

    /// <summary>The table's running hash and live count equal a recomputation from scratch.</summary>
    private static void AssertConsistent(MemberTable table)
    {
        ulong hash = 0;
        int live = 0;
        for (int i = 0; i < table.Count; i++)
        {
            Member m = table[i];
            if (m.IsLive)
            {
                hash ^= Expected(m);
                live++;
            }
        }

        Assert.Equal(live, table.LiveCount);
        Assert.Equal(hash, table.Hash);
    }
}
