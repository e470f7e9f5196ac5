using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Membership;
using Gossip.Wire;
using static Gossip.Engine.Tests.Components.ComponentHarnessExchangeExtensions;

namespace Gossip.Engine.Tests.Components;

/// <summary>How received deltas are merged (DeltaMerger alone) and how they are written (DeltaWriter alone).</summary>
public sealed class DeltaMergerTests
{
    [Fact]
    public void Apply_AnUnknownLiveMember_IsAddedWithItsEntries()
    {
        var harness = new ComponentHarness();

        Apply(harness, Header(5, generation: 3, heartbeat: 4), ("a", 1), ("b", 2));

        Member added = harness.Member(5);
        Assert.Equal(3u, added.Generation);
        Assert.Equal(4ul, added.Heartbeat); // passed on as it came: a node that reaped it judges staleness by it
        Assert.Equal(2ul, added.MaxVersion);
        Assert.Equal(["a", "b"], added.State.Keys.Order());
    }

    // Chaos seed 1940: a peer wrote a member's entries above the version our digest named, but we reaped the member
    // before the answer came; taking them made us hold its max version without the keys below, for good.
    [Fact]
    public void Apply_EntriesStartingAboveWhatWeHold_AreNotTaken_AndTheMemberIsStillLearned()
    {
        var harness = new ComponentHarness();
        long dropped = harness.Node.Counters.NewsDropped;

        Apply(harness, Header(5) with { From = 2 }, ("c", 3));

        Member added = harness.Member(5);
        Assert.Equal(0ul, added.MaxVersion);
        Assert.Empty(added.State);
        Assert.Equal(dropped + 1, harness.Node.Counters.NewsDropped);

        Apply(harness, Header(5), ("a", 1), ("b", 2), ("c", 3));
        Assert.Equal(3ul, added.MaxVersion);
        Assert.Equal(["a", "b", "c"], added.State.Keys.Order());
    }

    [Fact]
    public void Apply_EntriesStartingAtOrBelowWhatWeHold_AreTaken()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];
        harness.SetState(member, "a", 2);

        Apply(harness, Header(5) with { From = 2 }, ("b", 3));
        Apply(harness, Header(5) with { From = 1 }, ("c", 4));

        Assert.Equal(4ul, member.MaxVersion);
        Assert.Equal(["a", "b", "c"], member.State.Keys.Order());
    }

    [Fact]
    public void Write_NamesTheVersionItsEntriesStartAbove()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];
        harness.SetState(member, "a", 1);
        harness.SetState(member, "b", 2);

        DecodedDelta delta = WriteOne(harness, member, 1, 1_000, out bool whole)!;

        Assert.True(whole);
        Assert.Equal(1ul, delta.Header.From);
        Assert.Equal(["b"], delta.Entries.Select(e => e.Key));
    }

    [Theory]
    [InlineData(MemberStatus.Dead, true)]
    [InlineData(MemberStatus.Left, true)]
    [InlineData(MemberStatus.Alive, false)]
    public void Apply_AnUnknownMemberThatIsDownOrHasNoAddress_IsNotAdded(MemberStatus status, bool withAddress)
    {
        var harness = new ComponentHarness();

        Apply(harness, Header(5, status: status) with { Address = withAddress ? ComponentHarness.AddressOf(5) : default }, ("a", 1));

        Assert.False(harness.Members.TryGet(new NodeId(5), out _));
    }

    [Fact]
    public void Apply_AHigherGeneration_RestartsTheMemberAndDropsItsOldState()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];
        harness.SetState(member, "old", 7);
        harness.Members.MarkDown(member, MemberStatus.Dead);

        Apply(harness, Header(5, generation: 2), ("new", 1));

        Assert.Equal(2u, member.Generation);
        Assert.Equal(MemberStatus.Alive, member.Status);
        Assert.Equal(["new"], member.State.Keys);
        Assert.Equal(1ul, member.MaxVersion);
    }

    [Fact]
    public void Apply_ALowerGeneration_ChangesNothing()
    {
        var harness = new ComponentHarness();
        Member member = harness.Members.Add(new NodeId(5), 2, 0, ComponentHarness.AddressOf(5))!;

        Apply(harness, Header(5, generation: 1, status: MemberStatus.Left, heartbeat: 9), ("a", 1));

        Assert.Equal(MemberStatus.Alive, member.Status);
        Assert.Equal(0ul, member.Heartbeat);
        Assert.Empty(member.State);
    }

    [Fact]
    public void Apply_ALeftAtTheSameGeneration_IsBelieved()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];

        Apply(harness, Header(5, status: MemberStatus.Left));

        Assert.Equal(MemberStatus.Left, member.Status);
        Assert.Contains(member, harness.Members.Down);
    }

    [Fact]
    public void Apply_ADeadAtTheSameGeneration_IsNotBelieved()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];

        Apply(harness, Header(5, status: MemberStatus.Dead), ("a", 1));

        Assert.Equal(MemberStatus.Alive, member.Status);
        Assert.Equal(1ul, member.MaxVersion);
    }

    [Fact]
    public void Apply_AnEntryWithAHigherVersion_ReplacesOursAndALowerOneDoesNot()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];
        harness.SetState(member, "k", 3);

        Apply(harness, Header(5), ("k", 2));
        ulong afterLower = member.State["k"].Version;
        Apply(harness, Header(5), ("k", 4));

        Assert.Equal(3ul, afterLower);
        Assert.Equal(4ul, member.State["k"].Version);
        Assert.Equal("k@4", System.Text.Encoding.UTF8.GetString(member.State["k"].Value));
        Assert.Equal(4ul, member.MaxVersion);
    }

    [Fact]
    public void Apply_ANewKeyBeyondMaxKeysPerMember_IsDroppedAndCountedAsALimitHit()
    {
        var harness = new ComponentHarness(new GossipOptions { MaxKeysPerMember = 1 });
        Member member = harness.AddMembers(5)[0];
        harness.SetState(member, "k", 1);

        Apply(harness, Header(5), ("j", 2), ("k", 3));

        Assert.Equal(1, harness.Counters.LimitHits);
        Assert.False(member.State.ContainsKey("j"));
        Assert.Equal(3ul, member.State["k"].Version);
    }

    [Fact]
    public void Apply_AnEntry_NotifiesTheApplicationOfTheStateChange()
    {
        var harness = new ComponentHarness();
        harness.AddMembers(5);
        harness.Events.DrainEvents();

        Apply(harness, Header(5), ("k", 1));

        GossipEvent changed = Assert.Single(harness.Events.DrainEvents());
        Assert.Equal((GossipEventKind.StateChanged, new NodeId(5), "k"), (changed.Kind, changed.Member, changed.Key));
    }

    [Theory]
    [InlineData(MemberStatus.Dead, 1u, true)]
    [InlineData(MemberStatus.Left, 1u, true)]
    [InlineData(MemberStatus.Dead, 0u, false)]
    [InlineData(MemberStatus.Alive, 1u, false)]
    public void Apply_ADeltaAboutUsDownAtOurGeneration_MakesUsRefuteAndNeverTouchesOurState(MemberStatus status, uint generation, bool refutes)
    {
        var harness = new ComponentHarness();
        harness.Self.MaxVersion = 9; // the entry is one we wrote: a version above ours would make us start a new generation

        Apply(harness, Header(1, generation: generation, status: status), ("mine", 9));

        Assert.Equal(refutes ? 1 : 0, harness.Counters.Refutations);
        Assert.Equal(refutes ? 1u : 0u, harness.Self.Incarnation);
        Assert.Equal(MemberStatus.Alive, harness.Self.Status);
        Assert.Null(harness.Self.StateOrNull);
    }

    [Fact]
    public void DeltaWriterTryAdd_WritesEntriesNewerThanTheVersionOldestFirst()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];
        harness.SetState(member, "c", 9);
        harness.SetState(member, "a", 5);
        harness.SetState(member, "b", 2);

        Assert.Equal([2ul, 5ul, 9ul], WriteOne(harness, member, fromVersion: 0, 4_096, out bool whole)!.Entries.Select(e => e.Version));
        Assert.True(whole);
        Assert.Equal([5ul, 9ul], WriteOne(harness, member, fromVersion: 4, 4_096, out _)!.Entries.Select(e => e.Version));
    }

    [Fact]
    public void DeltaWriterTryAdd_CutShort_KeepsTheOldestEntriesSoTheMaxVersionStaysConsistent()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];
        harness.SetState(member, "c", 9);
        harness.SetState(member, "a", 5);
        harness.SetState(member, "b", 2);
        int full = 2 + Written(harness, member);
        int partials = 0;

        for (int size = 2; size <= full; size++)
        {
            DecodedDelta? delta = WriteOne(harness, member, fromVersion: 0, size, out bool whole);
            ulong[] versions = delta?.Entries.Select(e => e.Version).ToArray() ?? [];
            if (whole)
            {
                Assert.Equal([2ul, 5ul, 9ul], versions);
            }
            else if (delta is not null)
            {
                partials++;
                Assert.Equal(new ulong[] { 2, 5 }.Take(versions.Length), versions);
                Assert.NotEmpty(versions);
            }
        }

        Assert.True(partials > 0);
    }

    [Fact]
    public void DeltaWriterTryAdd_AtTheListLimit_WritesNothing()
    {
        var harness = new ComponentHarness();
        Member member = harness.AddMembers(5)[0];
        var deltaWriter = new DeltaWriter(WireLimits.Datagram with { MaxListCount = 1 });
        var writer = new GossipWriter(new byte[1_000]);
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter deltas));

        Assert.True(deltaWriter.TryAdd(ref writer, ref deltas, member, 0));
        int position = writer.Position;
        Assert.False(deltaWriter.TryAdd(ref writer, ref deltas, member, 0));

        Assert.Equal(1, deltas.Count);
        Assert.Equal(position, writer.Position);
    }

    private static NodeStateHeader Header(ulong id, uint generation = 1, MemberStatus status = MemberStatus.Alive, ulong heartbeat = 0) =>
        new(new NodeId(id), generation, status, heartbeat, ComponentHarness.AddressOf(id));

    private static void Apply(ComponentHarness harness, NodeStateHeader header, params (string Key, ulong Version)[] entries) =>
        Apply(harness, FrameOrigin.Relayed(ComponentHarness.AddressOf(7)), header, entries);

    private static void Apply(ComponentHarness harness, FrameOrigin origin, NodeStateHeader header, params (string Key, ulong Version)[] entries)
    {
        var reader = new GossipReader(DeltaPayload(header, entries));
        new DeltaMerger(harness.Node, harness.Members, harness.Rules, harness.Frames).Apply(ref reader, origin);
        Assert.True(reader.End);
    }

    private static int Written(ComponentHarness harness, Member member)
    {
        var writer = new GossipWriter(new byte[4_096]);
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter deltas));
        int start = writer.Position;
        Assert.True(new DeltaWriter(harness.Node.Limits).TryAdd(ref writer, ref deltas, member, 0));
        return writer.Position - start;
    }

    private static DecodedDelta? WriteOne(ComponentHarness harness, Member member, ulong fromVersion, int bytes, out bool whole)
    {
        var writer = new GossipWriter(new byte[bytes]);
        Assert.True(ListWriter.TryBegin(ref writer, out ListWriter deltas));
        whole = new DeltaWriter(harness.Node.Limits).TryAdd(ref writer, ref deltas, member, fromVersion);
        deltas.End(ref writer);
        List<DecodedDelta> read = ReadDeltas(writer.Written.ToArray(), harness.Node.Limits);
        Assert.True(read.Count <= 1);
        return read.Count == 0 ? null : read[0];
    }
}
