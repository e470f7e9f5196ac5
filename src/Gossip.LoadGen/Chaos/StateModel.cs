using System.Text;
using Gossip.Wire;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// The sequential model of application state: what each node has written and removed in its current process. A
/// crash loses the process's state (the engine keeps state in memory; the restarted process starts empty); every
/// key a node ever wrote is remembered so a deleted or pre-crash key that returns is caught.
/// </summary>
internal sealed class StateModel
{
    private readonly Dictionary<NodeId, Dictionary<string, byte[]>> _current = [];
    private readonly Dictionary<NodeId, HashSet<string>> _everWritten = [];

    public static string Key(int index) => "k" + index;

    public static byte[] Value(int round, int node) => Encoding.UTF8.GetBytes($"r{round}.n{node}");

    public void Write(NodeId node, string key, byte[] value)
    {
        Current(node)[key] = value;
        Ever(node).Add(key);
    }

    public void Remove(NodeId node, string key) => Current(node).Remove(key);

    public void Restarted(NodeId node) => Current(node).Clear();

    /// <summary>The first disagreement between what <paramref name="observer"/> holds about <paramref name="member"/> and the model, or null.</summary>
    public string? Disagreement(Engine.GossipNode observer, NodeId member, Func<NodeId, string> name)
    {
        if (!_everWritten.TryGetValue(member, out HashSet<string>? keys))
        {
            return null;
        }

        Dictionary<string, byte[]> current = Current(member);
        foreach (string key in keys)
        {
            bool has = observer.TryGetState(member, key, out ReadOnlyMemory<byte> value);
            if (current.TryGetValue(key, out byte[]? expected))
            {
                if (!has || !value.Span.SequenceEqual(expected))
                {
                    string seen = has ? Encoding.UTF8.GetString(value.Span) : "nothing";
                    return $"{key} of {name(member)} is {Encoding.UTF8.GetString(expected)} but {name(observer.Id)} holds {seen}";
                }
            }
            else if (has)
            {
                return $"{key} of {name(member)} was removed or lost with its process but {name(observer.Id)} holds {Encoding.UTF8.GetString(value.Span)}";
            }
        }

        return null;
    }

    private Dictionary<string, byte[]> Current(NodeId node)
    {
        if (!_current.TryGetValue(node, out Dictionary<string, byte[]>? state))
        {
            _current[node] = state = [];
        }

        return state;
    }

    private HashSet<string> Ever(NodeId node)
    {
        if (!_everWritten.TryGetValue(node, out HashSet<string>? keys))
        {
            _everWritten[node] = keys = [];
        }

        return keys;
    }
}
