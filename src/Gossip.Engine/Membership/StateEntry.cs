namespace Gossip.Engine.Membership;

/// <summary>One versioned key of a member's application state. Immutable: an update replaces the entry, so readers on other threads never see a torn value.</summary>
internal sealed record StateEntry(byte[] Value, ulong Version, bool Deleted);
