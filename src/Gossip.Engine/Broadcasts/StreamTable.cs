namespace Gossip.Engine.Broadcasts;

/// <summary>
/// The broadcast streams this node tracks, at most a configured number: when full, the stream heard of least recently
/// makes room (counted), one whose origin process is not a member here first, so a flood of made-up origins cannot push
/// out a member's stream (whose retained broadcasts would then be delivered again if it were learned anew).
/// <see cref="Version"/> moves whenever a frontier does, so the probe summary is recomputed only then.
/// </summary>
internal sealed class StreamTable
{
    private readonly Dictionary<StreamKey, BroadcastStream> _byKey = [];
    private readonly List<BroadcastStream> _list = [];
    private readonly int _capacity;
    private readonly Func<BroadcastStream, bool> _isMember;

    public StreamTable(int capacity, Func<BroadcastStream, bool> isMember)
    {
        _capacity = capacity;
        _isMember = isMember;
    }

    public int Count => _list.Count;

    /// <summary>Streams evicted to make room.</summary>
    public long Evicted { get; private set; }

    /// <summary>Changes whenever a stream is added, removed or advanced.</summary>
    public long Version { get; private set; }

    public BroadcastStream this[int index] => _list[index];

    public bool TryGet(StreamKey key, out BroadcastStream stream) => _byKey.TryGetValue(key, out stream!);

    public BroadcastStream Add(StreamKey key, long round)
    {
        if (_list.Count >= _capacity)
        {
            Evict(LeastRecent());
        }

        var stream = new BroadcastStream(key, round);
        _byKey.Add(key, stream);
        _list.Add(stream);
        Version++;
        return stream;
    }

    public void Changed() => Version++;

    private int LeastRecent()
    {
        int oldest = -1;
        int oldestOfNonMember = -1;
        for (int i = 0; i < _list.Count; i++)
        {
            if (oldest < 0 || _list[i].LastRound < _list[oldest].LastRound)
            {
                oldest = i;
            }

            if ((oldestOfNonMember < 0 || _list[i].LastRound < _list[oldestOfNonMember].LastRound) && !_isMember(_list[i]))
            {
                oldestOfNonMember = i;
            }
        }

        return oldestOfNonMember >= 0 ? oldestOfNonMember : oldest;
    }

    private void Evict(int index)
    {
        _byKey.Remove(_list[index].Key);
        _list[index] = _list[^1];
        _list.RemoveAt(_list.Count - 1);
        Evicted++;
        Version++;
    }
}
