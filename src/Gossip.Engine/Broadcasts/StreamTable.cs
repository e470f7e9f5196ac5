namespace Gossip.Engine.Broadcasts;

/// <summary>
/// The broadcast streams this node tracks, at most a configured number: when full, the stream heard of least recently
/// makes room (counted). <see cref="Version"/> moves whenever a frontier does, so the probe summary is recomputed only then.
/// </summary>
internal sealed class StreamTable
{
    private readonly Dictionary<StreamKey, BroadcastStream> _byKey = [];
    private readonly List<BroadcastStream> _list = [];
    private readonly int _capacity;

    public StreamTable(int capacity) => _capacity = capacity;

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
        int oldest = 0;
        for (int i = 1; i < _list.Count; i++)
        {
            if (_list[i].LastRound < _list[oldest].LastRound)
            {
                oldest = i;
            }
        }

        return oldest;
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
