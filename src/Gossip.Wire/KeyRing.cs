using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gossip.Wire;

/// <summary>
/// AES-GCM cluster keys for frame encryption: one primary key seals outgoing frames; every key in the ring opens
/// incoming ones, so keys rotate without downtime (add the new key everywhere, make it primary, then remove the old
/// one). Frames are not sealed with a cluster key itself but with a key derived from it for the sender's id and
/// generation (HKDF-SHA256), and the nonce is a 64-bit counter of the ring: two senders never share a key, so nonces
/// cannot collide between senders, and a sender's counter never repeats. Thread-safe: keys may be added, switched and
/// removed while nodes seal and open frames on other threads.
/// </summary>
/// <remarks>
/// The counter starts at the Unix time in milliseconds times 65,536, so a process that restarts with the same node
/// id and generation (a pinned id restarted within the same second without a generation file) still starts above
/// every counter its predecessor used, unless it sent more than 65,536 frames per millisecond or the clock stepped
/// back. Nothing depends on a random salt.
/// </remarks>
public sealed class KeyRing : IDisposable
{
    /// <summary>AES-GCM nonce size in bytes (the 8-byte frame counter followed by four zero bytes).</summary>
    public const int NonceSize = 12;

    /// <summary>Bytes of the frame counter carried in every encrypted frame, between the header and the ciphertext.</summary>
    public const int CounterSize = 8;

    /// <summary>AES-GCM tag size in bytes.</summary>
    public const int TagSize = 16;

    // Fixed labels: a derived key is bound to this protocol, the cluster key's id, the sender and its generation.
    private static readonly byte[] ExtractSalt = "gossip-perf cluster key"u8.ToArray();

    private readonly Lock _gate = new();

    // HKDF pseudo-random keys (HKDF-Extract of each cluster key) and the cluster keys' lengths, by key id. Arrays are
    // replaced, never mutated, while readers may hold them; the raw cluster key is not kept.
    private readonly byte[]?[] _secrets = new byte[]?[256];
    private readonly SealKey?[] _sealKeys = new SealKey?[4];
    private long _counter;
    private int _version;
    private int _nextSealSlot;
    private byte _primaryKeyId;
    private bool _disposed;

    /// <summary>Creates a ring whose primary key is <paramref name="primaryKey"/> with id <paramref name="primaryKeyId"/>.</summary>
    /// <param name="primaryKeyId">A byte naming the key on the wire; choose a new one on every rotation.</param>
    /// <param name="primaryKey">16, 24 or 32 bytes.</param>
    public KeyRing(byte primaryKeyId, ReadOnlySpan<byte> primaryKey)
        : this(primaryKeyId, primaryKey, (ulong)Math.Max(1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) << 16)
    {
    }

    /// <summary>A ring whose counter starts at a chosen value: simulations need the same ciphertext on every run to pin a trace.</summary>
    internal KeyRing(byte primaryKeyId, ReadOnlySpan<byte> primaryKey, ulong firstCounter)
    {
        Add(primaryKeyId, primaryKey);
        _primaryKeyId = primaryKeyId;
        _counter = (long)firstCounter;
    }

    /// <summary>The id of the key that seals outgoing frames.</summary>
    public byte PrimaryKeyId => Volatile.Read(ref _primaryKeyId);

    /// <summary>Bumped by every <see cref="Add"/> and <see cref="Remove"/>: keys derived before a bump are derived again, so a removed or replaced key opens nothing.</summary>
    internal int Version => Volatile.Read(ref _version);

    /// <summary>Adds (or replaces) a key that incoming frames may use; adding a key the ring already holds under that id changes nothing.</summary>
    public void Add(byte keyId, ReadOnlySpan<byte> key)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            ThrowHelper.ThrowArgument("AES-GCM keys are 16, 24 or 32 bytes.", nameof(key));
        }

        // One byte more than the pseudo-random key: the last byte is the cluster key's length, which derived keys keep.
        byte[] secret = new byte[33];
        HKDF.Extract(HashAlgorithmName.SHA256, key, ExtractSalt, secret.AsSpan(0, 32));
        secret[32] = (byte)key.Length;
        lock (_gate)
        {
            ThrowIfDisposed();
            if (Volatile.Read(ref _secrets[keyId]) is { } held && CryptographicOperations.FixedTimeEquals(held, secret))
            {
                // The same key again (a reloaded key file lists every key it holds): nothing to derive anew.
                return;
            }

            Volatile.Write(ref _secrets[keyId], secret);
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Makes an added key the one that seals outgoing frames.</summary>
    public void UsePrimary(byte keyId)
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _secrets[keyId]) is null)
            {
                ThrowHelper.ThrowArgument("Unknown key id.", nameof(keyId));
            }

            Volatile.Write(ref _primaryKeyId, keyId);
        }
    }

    /// <summary>Removes a key; frames sealed with it are refused from then on. The primary key cannot be removed.</summary>
    public void Remove(byte keyId)
    {
        lock (_gate)
        {
            if (keyId == _primaryKeyId)
            {
                ThrowHelper.ThrowInvalidOperation("Make another key primary before removing this one.");
            }

            Volatile.Write(ref _secrets[keyId], null);
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>The ids of the keys the ring holds, in increasing order (a snapshot).</summary>
    public IReadOnlyList<byte> KeyIds
    {
        get
        {
            var ids = new List<byte>();
            for (int id = 0; id < _secrets.Length; id++)
            {
                if (Volatile.Read(ref _secrets[id]) is not null)
                {
                    ids.Add((byte)id);
                }
            }

            return ids;
        }
    }

    /// <summary>True when the ring holds a key with that id.</summary>
    public bool Contains(byte keyId) => Volatile.Read(ref _secrets[keyId]) is not null;

    /// <summary>
    /// Encrypts <paramref name="body"/> in place with the primary key derived for <paramref name="sender"/> and
    /// <paramref name="generation"/>, bound to <paramref name="receiver"/> (the associated data is the header, then the
    /// receiver's id), writes the counter and the tag, and returns the key id used.
    /// </summary>
    internal byte Seal(NodeId sender, uint generation, NodeId receiver, Span<byte> header, Span<byte> counter, Span<byte> body, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        Span<byte> associated = stackalloc byte[FrameHeader.AssociatedDataSize];
        while (true)
        {
            SealKey key = SealKeyFor(sender, generation);
            lock (key)
            {
                if (key.Disposed)
                {
                    // Evicted from the cache by another thread between the lookup and the lock: look again.
                    continue;
                }

                // The key id goes into the header (the associated data) under the lock that pins the key in use.
                header[5] = key.KeyId;
                WriteAssociatedData(associated, header, receiver);
                ulong value = (ulong)Interlocked.Increment(ref _counter);
                BinaryPrimitives.WriteUInt64LittleEndian(counter, value);
                WriteNonce(nonce, value);
                key.Aead.Encrypt(nonce, body, body, tag, associated);
                return key.KeyId;
            }
        }
    }

    /// <summary>
    /// A new AES-GCM instance for frames of <paramref name="sender"/> at <paramref name="generation"/> under key
    /// <paramref name="keyId"/>, or null when the ring does not hold that key. Allocates: callers cache the result
    /// (with <paramref name="version"/>, to notice a later change of the ring) and dispose it.
    /// </summary>
    internal AesGcm? CreateFrameKey(byte keyId, NodeId sender, uint generation, out int version)
    {
        version = Version;
        byte[]? secret = Volatile.Read(ref _secrets[keyId]);
        if (secret is null)
        {
            return null;
        }

        Span<byte> derived = stackalloc byte[32];
        derived = derived[..secret[32]];
        Derive(secret, keyId, sender, generation, derived);
        try
        {
            return new AesGcm(derived, TagSize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }

    /// <summary>The associated data of a frame: its header, then the id of the node it is sealed for (0: any).</summary>
    internal static void WriteAssociatedData(Span<byte> associated, ReadOnlySpan<byte> header, NodeId receiver)
    {
        header[..FrameHeader.Size].CopyTo(associated);
        BinaryPrimitives.WriteUInt64LittleEndian(associated.Slice(FrameHeader.Size), receiver.Value);
    }

    /// <summary>The AES-GCM nonce for a frame counter: the counter, then four zero bytes (the key is per sender, so the counter alone is unique).</summary>
    internal static void WriteNonce(Span<byte> nonce, ulong counter)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(nonce, counter);
        BinaryPrimitives.WriteUInt32LittleEndian(nonce.Slice(8), 0);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Array.Clear(_secrets);
            Interlocked.Increment(ref _version);
            for (int i = 0; i < _sealKeys.Length; i++)
            {
                if (_sealKeys[i] is { } key)
                {
                    lock (key)
                    {
                        key.Aead.Dispose();
                        key.Disposed = true;
                    }
                }

                _sealKeys[i] = null;
            }
        }
    }

    private static void Derive(byte[] secret, byte keyId, NodeId sender, uint generation, Span<byte> derived)
    {
        // info = label | key id | sender id | generation: every (key, sender, generation) gets its own AES key.
        Span<byte> info = stackalloc byte[30];
        "gossip-perf frame"u8.CopyTo(info);
        info[17] = keyId;
        BinaryPrimitives.WriteUInt64LittleEndian(info.Slice(18), sender.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(info.Slice(26), generation);
        HKDF.Expand(HashAlgorithmName.SHA256, secret.AsSpan(0, 32), derived, info);
    }

    /// <summary>The derived sealing key for a sender, from a four-entry cache (a ring normally serves one node, whose generation rarely changes).</summary>
    private SealKey SealKeyFor(NodeId sender, uint generation)
    {
        byte keyId = PrimaryKeyId;
        int version = Version;
        SealKey?[] keys = _sealKeys;
        for (int i = 0; i < keys.Length; i++)
        {
            SealKey? key = Volatile.Read(ref keys[i]);
            if (key is not null && key.Sender == sender && key.Generation == generation && key.KeyId == keyId && key.Version == version)
            {
                return key;
            }
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            AesGcm aead = CreateFrameKey(keyId, sender, generation, out int derivedAt)
                ?? throw new InvalidOperationException("The primary key was removed.");
            var created = new SealKey(sender, generation, keyId, derivedAt, aead);
            int slot = _nextSealSlot;
            _nextSealSlot = (slot + 1) % keys.Length;
            SealKey? old = keys[slot];
            Volatile.Write(ref keys[slot], created);
            if (old is not null)
            {
                // Another thread may be sealing with it: dispose under its lock, and it will not be found again.
                lock (old)
                {
                    old.Aead.Dispose();
                    old.Disposed = true;
                }
            }

            return created;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>A derived sealing key; its monitor serializes use of the AES-GCM instance, which is not thread-safe.</summary>
    private sealed class SealKey(NodeId sender, uint generation, byte keyId, int version, AesGcm aead)
    {
        public NodeId Sender { get; } = sender;
        public uint Generation { get; } = generation;
        public byte KeyId { get; } = keyId;
        public int Version { get; } = version;
        public AesGcm Aead { get; } = aead;
        public bool Disposed { get; set; }
    }
}
