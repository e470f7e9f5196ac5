using System.Security.Cryptography;

namespace Gossip.Wire;

/// <summary>
/// What a receiver keeps per sender to open encrypted frames: the sender's generation, a sliding replay window over
/// its frame counters (a 2,048-bit bitmap, as IPsec and WireGuard keep one per peer) and the AES-GCM keys derived for
/// it. The table is bounded (a fixed number of senders, least recently heard evicted first), and a sender enters it
/// only with a frame that authenticated, so forged sender ids cost a key derivation each but can neither grow it nor
/// push real senders out. Owned by one codec, used by one thread at a time (a node's executor).
/// </summary>
internal sealed class SenderWindows
{
    /// <summary>Bits in each sender's window.</summary>
    public const int WindowBits = 2_048;

    /// <summary>
    /// How far behind the newest counter a frame may be and still be accepted: one 64-bit word of the bitmap is the
    /// one being reused as the window slides, so the usable depth is 64 counters less than the bitmap.
    /// </summary>
    public const int Depth = WindowBits - 64;

    private const int Words = WindowBits / 64;

    private readonly KeyRing _ring;
    private readonly Entry[] _entries;
    private readonly Dictionary<ulong, Entry> _bySender;
    private long _clock;
    private int _used;

    public SenderWindows(KeyRing ring, int capacity)
    {
        _ring = ring;
        _entries = new Entry[capacity];
        _bySender = new Dictionary<ulong, Entry>(capacity);
    }

    /// <summary>Senders tracked now.</summary>
    public int Count => _bySender.Count;

    /// <summary>
    /// Checks the frame counter against the sender's window, opens the frame (in place) and, when it authenticates,
    /// records the counter. Statuses: <see cref="WireStatus.AuthenticationFailed"/> (unknown key id or bad tag),
    /// <see cref="WireStatus.Replayed"/> (counter already seen, or an older generation of the sender) and
    /// <see cref="WireStatus.TooOld"/> (counter behind the window).
    /// </summary>
    public WireStatus Open(byte keyId, NodeId sender, uint generation, ulong counter, ReadOnlySpan<byte> associated, Span<byte> cipher, ReadOnlySpan<byte> tag)
    {
        if (!_ring.Contains(keyId))
        {
            return WireStatus.AuthenticationFailed;
        }

        // The window is checked before the tag (a replay costs no decryption) and written only after it (a forged
        // frame cannot mark a counter as seen or slide the window).
        _bySender.TryGetValue(sender.Value, out Entry? entry);
        AesGcm? aead = null;
        if (entry is not null)
        {
            if (generation < entry.Generation)
            {
                return WireStatus.Replayed;
            }

            if (generation == entry.Generation)
            {
                WireStatus window = entry.Check(counter);
                if (window != WireStatus.Ok)
                {
                    return window;
                }

                aead = entry.KeyFor(keyId, _ring.Version);
            }
        }

        AesGcm? derived = null;
        int version = 0;
        if (aead is null)
        {
            // A sender, generation or key not seen yet (or the ring changed since): derive its key. Allocates, once per
            // sender and key, and for each forged frame naming a sender not in the table.
            derived = _ring.CreateFrameKey(keyId, sender, generation, out version);
            if (derived is null)
            {
                return WireStatus.AuthenticationFailed;
            }

            aead = derived;
        }

        if (!Decrypt(aead, counter, associated, cipher, tag))
        {
            derived?.Dispose();
            return WireStatus.AuthenticationFailed;
        }

        if (entry is null)
        {
            entry = Claim(sender.Value);
            entry.Reset(generation);
        }
        else if (generation > entry.Generation)
        {
            // A restarted sender (a new generation has its own keys and counters): start its window afresh.
            entry.Reset(generation);
        }

        if (derived is not null)
        {
            entry.Store(keyId, version, derived);
        }

        entry.Mark(counter);
        entry.LastUsed = ++_clock;
        return WireStatus.Ok;
    }

    /// <summary>
    /// Clears every sender's window (keys and generations kept), so frames already seen open again. Only for the codec
    /// benchmark, which decodes a fixed set of frames over and over; allocates nothing.
    /// </summary>
    public void ForgetHistory()
    {
        for (int i = 0; i < _used; i++)
        {
            _entries[i].ForgetHistory();
        }
    }

    /// <summary>Opens a frame with a key derived for it alone and disposed after (no table: replays are not detected).</summary>
    public static WireStatus OpenOnce(KeyRing ring, byte keyId, NodeId sender, uint generation, ulong counter, ReadOnlySpan<byte> associated, Span<byte> cipher, ReadOnlySpan<byte> tag)
    {
        using AesGcm? aead = ring.CreateFrameKey(keyId, sender, generation, out _);
        return aead is not null && Decrypt(aead, counter, associated, cipher, tag) ? WireStatus.Ok : WireStatus.AuthenticationFailed;
    }

    private static bool Decrypt(AesGcm aead, ulong counter, ReadOnlySpan<byte> associated, Span<byte> cipher, ReadOnlySpan<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[KeyRing.NonceSize];
        KeyRing.WriteNonce(nonce, counter);
        try
        {
            aead.Decrypt(nonce, cipher, tag, cipher, associated);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm reports a bad tag only by throwing; the cost is paid by forged frames alone. It zeroes the plaintext.
            return false;
        }
    }

    /// <summary>A free entry, or the least recently heard one (its keys disposed) when the table is full.</summary>
    private Entry Claim(ulong sender)
    {
        Entry entry;
        if (_used < _entries.Length)
        {
            entry = _entries[_used++] = new Entry();
        }
        else
        {
            // Only an authenticated frame gets here, so only key holders (or a cluster larger than the table) evict.
            // A linear scan: it runs once per new sender, not per frame.
            entry = _entries[0];
            for (int i = 1; i < _entries.Length; i++)
            {
                if (_entries[i].LastUsed < entry.LastUsed)
                {
                    entry = _entries[i];
                }
            }

            _bySender.Remove(entry.Sender);
            entry.DisposeKeys();
        }

        entry.Sender = sender;
        _bySender.Add(sender, entry);
        return entry;
    }

    private sealed class Entry
    {
        private readonly ulong[] _bits = new ulong[Words];
        private AesGcm? _key0;
        private AesGcm? _key1;
        private int _version0;
        private int _version1;
        private byte _keyId0;
        private byte _keyId1;
        private ulong _top;

        public ulong Sender { get; set; }

        public uint Generation { get; private set; }

        public long LastUsed { get; set; }

        public WireStatus Check(ulong counter)
        {
            if (counter > _top)
            {
                return WireStatus.Ok;
            }

            if (_top - counter >= Depth)
            {
                return WireStatus.TooOld;
            }

            return (_bits[(int)((counter >> 6) % Words)] & (1UL << (int)(counter & 63))) != 0 ? WireStatus.Replayed : WireStatus.Ok;
        }

        public void Mark(ulong counter)
        {
            if (counter > _top)
            {
                // Slide: clear the words the window moves over (all of them after a jump of a whole window or more).
                ulong from = (_top >> 6) + 1;
                ulong to = counter >> 6;
                if (to - from + 1 >= Words || _top == 0)
                {
                    Array.Clear(_bits);
                }
                else
                {
                    for (ulong w = from; w <= to; w++)
                    {
                        _bits[(int)(w % Words)] = 0;
                    }
                }

                _top = counter;
            }

            _bits[(int)((counter >> 6) % Words)] |= 1UL << (int)(counter & 63);
        }

        /// <summary>The cached key for <paramref name="keyId"/> when it was derived from the ring as it is now.</summary>
        public AesGcm? KeyFor(byte keyId, int version)
        {
            if (_key0 is not null && _keyId0 == keyId && _version0 == version)
            {
                return _key0;
            }

            return _key1 is not null && _keyId1 == keyId && _version1 == version ? _key1 : null;
        }

        /// <summary>Keeps two keys per sender, so frames that straddle a key switch do not derive keys over and over.</summary>
        public void Store(byte keyId, int version, AesGcm key)
        {
            _key1?.Dispose();
            _key1 = _key0;
            _keyId1 = _keyId0;
            _version1 = _version0;
            _key0 = key;
            _keyId0 = keyId;
            _version0 = version;
        }

        public void ForgetHistory()
        {
            _top = 0;
            Array.Clear(_bits);
        }

        public void Reset(uint generation)
        {
            Generation = generation;
            _top = 0;
            Array.Clear(_bits);
            DisposeKeys();
        }

        public void DisposeKeys()
        {
            _key0?.Dispose();
            _key1?.Dispose();
            _key0 = null;
            _key1 = null;
        }
    }
}
