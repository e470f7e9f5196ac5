using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gossip.Wire;

/// <summary>
/// AES-GCM keys for frame encryption: one primary key seals outgoing frames; every key in the ring opens
/// incoming ones, so keys rotate without downtime (add the new key everywhere, make it primary, then remove
/// the old one). Nonces are a random 32-bit salt per ring plus a 64-bit counter, so they never repeat
/// for one ring. Not thread-safe: give each node (or each sending thread) its own ring.
/// </summary>
public sealed class KeyRing : IDisposable
{
    /// <summary>AES-GCM nonce size in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>AES-GCM tag size in bytes.</summary>
    public const int TagSize = 16;

    private readonly AesGcm?[] _keys = new AesGcm?[256];
    private readonly uint _salt;
    private ulong _counter;

    /// <summary>Creates a ring whose primary key is <paramref name="primaryKey"/> with id <paramref name="primaryKeyId"/>.</summary>
    /// <param name="primaryKeyId">A byte naming the key on the wire; choose a new one on every rotation.</param>
    /// <param name="primaryKey">16, 24 or 32 bytes.</param>
    public KeyRing(byte primaryKeyId, ReadOnlySpan<byte> primaryKey)
        : this(primaryKeyId, primaryKey, (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue))
    {
    }

    /// <summary>A ring with a chosen nonce salt: simulations need the same ciphertext on every run to pin a trace.</summary>
    internal KeyRing(byte primaryKeyId, ReadOnlySpan<byte> primaryKey, uint salt)
    {
        Add(primaryKeyId, primaryKey);
        PrimaryKeyId = primaryKeyId;
        _salt = salt;
    }

    /// <summary>The id of the key that seals outgoing frames.</summary>
    public byte PrimaryKeyId { get; private set; }

    /// <summary>Adds (or replaces) a key that incoming frames may use.</summary>
    public void Add(byte keyId, ReadOnlySpan<byte> key)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            ThrowHelper.ThrowArgument("AES-GCM keys are 16, 24 or 32 bytes.", nameof(key));
        }

        _keys[keyId]?.Dispose();
        _keys[keyId] = new AesGcm(key, TagSize);
    }

    /// <summary>Makes an added key the one that seals outgoing frames.</summary>
    public void UsePrimary(byte keyId)
    {
        if (_keys[keyId] is null)
        {
            ThrowHelper.ThrowArgument("Unknown key id.", nameof(keyId));
        }

        PrimaryKeyId = keyId;
    }

    /// <summary>Removes a key; frames sealed with it are refused from then on. The primary key cannot be removed.</summary>
    public void Remove(byte keyId)
    {
        if (keyId == PrimaryKeyId)
        {
            ThrowHelper.ThrowInvalidOperation("Make another key primary before removing this one.");
        }

        _keys[keyId]?.Dispose();
        _keys[keyId] = null;
    }

    /// <summary>True when the ring holds a key with that id.</summary>
    public bool Contains(byte keyId) => _keys[keyId] is not null;

    internal void Seal(ReadOnlySpan<byte> associatedData, Span<byte> nonce, Span<byte> body, Span<byte> tag)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(nonce, _salt);
        BinaryPrimitives.WriteUInt64LittleEndian(nonce.Slice(4), ++_counter);
        _keys[PrimaryKeyId]!.Encrypt(nonce, body, body, tag, associatedData);
    }

    internal bool TryOpen(byte keyId, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> nonce, Span<byte> body, ReadOnlySpan<byte> tag)
    {
        AesGcm? key = _keys[keyId];
        if (key is null)
        {
            return false;
        }

        try
        {
            key.Decrypt(nonce, body, tag, body, associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm reports a bad tag only by throwing; the cost is paid by forged frames alone. It zeroes the plaintext.
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        for (int i = 0; i < _keys.Length; i++)
        {
            _keys[i]?.Dispose();
            _keys[i] = null;
        }
    }
}
