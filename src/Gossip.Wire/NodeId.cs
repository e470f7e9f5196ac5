using System.Globalization;

namespace Gossip.Wire;

/// <summary>A node's identity: 64 random bits chosen once per node. Combined with a generation it names one incarnation of a process.</summary>
public readonly record struct NodeId(ulong Value) : IComparable<NodeId>
{
    /// <summary>The empty id (never assigned to a node).</summary>
    public static NodeId None => default;

    /// <summary>True when this is <see cref="None"/>.</summary>
    public bool IsNone => Value == 0;

    /// <inheritdoc />
    public int CompareTo(NodeId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => Value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Compares two ids.</summary>
    public static bool operator <(NodeId left, NodeId right) => left.Value < right.Value;
    /// <summary>Compares two ids.</summary>
    public static bool operator >(NodeId left, NodeId right) => left.Value > right.Value;
    /// <summary>Compares two ids.</summary>
    public static bool operator <=(NodeId left, NodeId right) => left.Value <= right.Value;
    /// <summary>Compares two ids.</summary>
    public static bool operator >=(NodeId left, NodeId right) => left.Value >= right.Value;
}
