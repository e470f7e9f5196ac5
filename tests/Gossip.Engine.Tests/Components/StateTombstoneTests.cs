using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Membership;
using Gossip.Wire;
using static Gossip.Engine.Tests.Components.ComponentHarnessExchangeExtensions;

namespace Gossip.Engine.Tests.Components;

/// <summary>
/// Removed keys (tombstones) count towards <see cref="GossipOptions.MaxKeysPerMember"/> until they are collected, a
/// bounded time after the removal (as long as a reaped member is remembered); an entry of a collected key is never
/// taken again.
/// </summary>
public sealed class StateTombstoneTests
{
    // Tombstones are kept max(ReconnectForRounds, ReapAfterRounds) = 128 rounds here; sweeps run every 64 rounds.
    private static GossipOptions Options(int maxKeys = 1_024) => new() { ReapAfterRounds = 10, ReconnectForRounds = 128, MaxKeysPerMember = maxKeys };

    [Fact]
    public void Reap_CollectsTombstonesOfEveryMemberOnceKeptLongEnough()
    {
        var harness = new ComponentHarness(Options());
        Member member = harness.AddMembers(2)[0];
        harness.Members.SetEntry(member, "gone", new StateEntry([], 2, Deleted: true, Round: 0));
        harness.SetState(member, "kept", 3);
        Assert.True(harness.Members.SetLocal("mine", [], deleted: true));
        Assert.Equal((1, 1), (member.Tombstones, harness.Self.Tombstones));

        harness.Members.Reap(64);
        Assert.Equal(2, member.State.Count); // 64 rounds are not enough

        harness.Members.Reap(128);
        Assert.Equal(["kept"], member.State.Keys);
        Assert.Empty(harness.Self.State);
        Assert.Equal((0, 0), (member.Tombstones, harness.Self.Tombstones));
        Assert.Equal(3ul, member.MaxVersion); // the version stays: what was removed below it stays removed
        Assert.Equal(1ul, harness.Self.MaxVersion);
        harness.AssertTableConsistent();
    }

    [Fact]
    public void SetLocal_OnAStateFullOfTombstones_ThrowsUntilTheyAreCollected()
    {
        var harness = new ComponentHarness(Options(maxKeys: 2));
        harness.Members.SetLocal("a", [1], deleted: false);
        harness.Members.SetLocal("b", [1], deleted: false);
        harness.Members.SetLocal("a", [], deleted: true);

        InvalidOperationException full = Assert.Throws<InvalidOperationException>(() => harness.Members.ThrowIfCannotSetLocal("c", 1));
        Assert.Contains("tombstones", full.Message, StringComparison.Ordinal);

        harness.Members.Reap(128);
        harness.Members.ThrowIfCannotSetLocal("c", 1);
        Assert.True(harness.Members.SetLocal("c", [1], deleted: false));
        Assert.Equal(4ul, harness.Self.MaxVersion);
    }

    [Fact]
    public void DeltaMerger_AnOlderEntryOfACollectedKey_DoesNotResurrectIt()
    {
        var harness = new ComponentHarness(Options());
        Member member = harness.AddMembers(2)[0];
        harness.Members.SetEntry(member, "gone", new StateEntry([], 5, Deleted: true, Round: 0));
        harness.Members.Reap(128);
        Assert.Empty(member.State);

        // A node that missed the removal (a healed partition, a late delta) still offers the key's last value.
        var reader = new GossipReader(DeltaPayload(new NodeStateHeader(member.Id, 1, MemberStatus.Alive, 1, member.Address), ("gone", 4)));
        new DeltaMerger(harness.Node, harness.Members, harness.Rules, harness.Frames).Apply(ref reader, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Empty(member.State);
        Assert.Equal(1, harness.Counters.NewsDropped);
    }

    [Fact]
    public void DeltaMerger_ANewerEntryOfACollectedKey_IsTaken()
    {
        var harness = new ComponentHarness(Options());
        Member member = harness.AddMembers(2)[0];
        harness.Members.SetEntry(member, "gone", new StateEntry([], 5, Deleted: true, Round: 0));
        harness.Members.Reap(128);

        var reader = new GossipReader(DeltaPayload(new NodeStateHeader(member.Id, 1, MemberStatus.Alive, 1, member.Address), ("gone", 6)));
        new DeltaMerger(harness.Node, harness.Members, harness.Rules, harness.Frames).Apply(ref reader, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(6ul, member.State["gone"].Version);
        Assert.Equal(0, harness.Counters.NewsDropped);
    }

    // Found by the chaos runner (seed 986): a copy can lack an older entry below its max version without any removal;
    // dropping that entry as a collected tombstone left the key missing on one node for good after a healed partition.
    [Fact]
    public void DeltaMerger_AnOlderEntryOfAKeyNeverRemovedHere_IsTaken_EvenBelowTheMaxVersion()
    {
        var harness = new ComponentHarness(Options());
        Member member = harness.AddMembers(2)[0];
        harness.Members.SetEntry(member, "later", new StateEntry([], 4, Deleted: false, Round: 0));

        var reader = new GossipReader(DeltaPayload(new NodeStateHeader(member.Id, 1, MemberStatus.Alive, 1, member.Address), ("missed", 1)));
        new DeltaMerger(harness.Node, harness.Members, harness.Rules, harness.Frames).Apply(ref reader, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)));

        Assert.Equal(1ul, member.State["missed"].Version);
        Assert.Equal(0, harness.Counters.NewsDropped);
    }

    [Fact]
    public void SetEntry_ATombstoneOverwrittenByAValue_IsNoLongerCounted()
    {
        var harness = new ComponentHarness(Options());
        Member member = harness.AddMembers(2)[0];
        harness.Members.SetEntry(member, "k", new StateEntry([], 1, Deleted: true));
        harness.Members.SetEntry(member, "k", new StateEntry([], 2, Deleted: true));
        Assert.Equal(1, member.Tombstones);

        harness.SetState(member, "k", 3);

        Assert.Equal(0, member.Tombstones);
    }
}
