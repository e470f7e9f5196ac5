using System.Security.Cryptography;
using Gossip.Wire;

namespace Gossip.LoadGen.Chaos;

/// <summary>
/// The cluster key as an operator rotates it: every node first adds the next key, then switches to it, then drops
/// the old one, node by node. Nodes started during a rotation get the keys an operator would give them then.
/// </summary>
internal sealed class ChaosKeys(ulong seed)
{
    private uint _rings;
    private byte _current = 1;
    private byte _next;
    private bool _switched;

    /// <summary>A ring for a node starting now.</summary>
    public KeyRing NewRing()
    {
        // A fixed counter start keeps ciphertext, so the trace, the same on every run; each ring starts 2^40 above the
        // one before, so a node's next ring (a restart) never reuses a counter of the one it replaces.
        var ring = new KeyRing(_current, Key(_current), (ulong)++_rings << 40);
        if (_next != 0)
        {
            ring.Add(_next, Key(_next));
            if (_switched)
            {
                ring.UsePrimary(_next);
            }
        }

        return ring;
    }

    /// <summary>A ring holding every key used so far (the replay log opens frames with it).</summary>
    public KeyRing AllKeys()
    {
        var ring = new KeyRing(1, Key(1), 0);
        for (int id = 2; id <= Math.Max(_current, _next); id++)
        {
            ring.Add((byte)id, Key((byte)id));
        }

        return ring;
    }

    public void Begin() => _next = (byte)((_current % 250) + 1);

    public static void Add(KeyRing ring, byte keyId, ReadOnlySpan<byte> key)
    {
        if (!ring.Contains(keyId))
        {
            ring.Add(keyId, key);
        }
    }

    /// <summary>Step <paramref name="step"/> (0 add, 1 switch, 2 remove old) of the rotation on one node's ring.</summary>
    public void Apply(KeyRing ring, int step)
    {
        if (_next == 0)
        {
            return;
        }

        switch (step)
        {
            case 0:
                Add(ring, _next, Key(_next));
                break;
            case 1:
                Add(ring, _next, Key(_next));
                ring.UsePrimary(_next);
                break;
            default:
                if (ring.PrimaryKeyId == _next && ring.Contains(_current))
                {
                    ring.Remove(_current);
                }

                break;
        }
    }

    /// <summary>Marks the point after which nodes started now use the next key as primary.</summary>
    public void Switched() => _switched = true;

    public void End()
    {
        if (_next != 0)
        {
            _current = _next;
            _next = 0;
            _switched = false;
        }
    }

    private byte[] Key(byte keyId)
    {
        Span<byte> input = stackalloc byte[9];
        BitConverter.TryWriteBytes(input, seed);
        input[8] = keyId;
        return SHA256.HashData(input);
    }
}
