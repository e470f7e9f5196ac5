using Gossip.Wire;

namespace Gossip.Engine.Dissemination;

/// <summary>
/// Death and departure notices this node passed on about members outside its view. A node whose member table is full
/// (a partial view, bounded by <see cref="GossipOptions.MaxMembers"/>) cannot apply such a notice, yet the few nodes
/// that do know the subject may hear of it only through nodes that do not; so each node forwards a notice once, and
/// this ring remembers which, so that a notice does not circulate forever. Bounded: the oldest entry is forgotten
/// first, which at worst forwards an old notice once more.
/// </summary>
internal sealed class ForwardedNotices
{
    private readonly Key[] _keys;
    private int _next;

    public ForwardedNotices(int capacity) => _keys = new Key[capacity];

    /// <summary>True the first time <paramref name="notice"/> is seen (and remembers it); false for a repeat.</summary>
    public bool TryAdd(in MembershipEvent notice)
    {
        var key = new Key(notice.Subject, notice.Generation, notice.Incarnation, notice.Kind);
        if (Array.IndexOf(_keys, key) >= 0)
        {
            return false;
        }

        _keys[_next] = key;
        _next = (_next + 1) % _keys.Length;
        return true;
    }

    private readonly record struct Key(NodeId Subject, uint Generation, uint Incarnation, MembershipEventKind Kind);
}
