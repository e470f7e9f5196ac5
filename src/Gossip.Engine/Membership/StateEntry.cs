namespace Gossip.Engine.Membership;

/// <summary>
/// One versioned key of a member's application state. Immutable: an update replaces the entry, so readers on other
/// threads never see a torn value. <see cref="Round"/> is the local round it was stored at (a tombstone is collected a
/// bounded time after it).
/// </summary>
internal sealed record StateEntry(byte[] Value, ulong Version, bool Deleted, long Round = 0);
