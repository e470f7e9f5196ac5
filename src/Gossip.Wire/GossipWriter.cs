using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Gossip.Wire;

/// <summary>
/// Forward-only writer over a caller-owned span. Every <c>TryWrite*</c> either writes the whole value or
/// writes nothing and returns false, so the engine can fill a datagram up to its cap and carry the rest over.
/// Integers are little-endian; <c>VarUInt</c> is LEB128 (7 bits a byte).
/// </summary>
public ref struct GossipWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    /// <summary>Creates a writer over <paramref name="buffer"/>, starting at offset 0.</summary>
    public GossipWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes still free.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._position];

    /// <summary>Moves back to an earlier <see cref="Position"/>, discarding what was written after it (used to undo a partial item).</summary>
    public void Rewind(int position)
    {
        if ((uint)position > (uint)_position)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(position));
        }

        _position = position;
    }

    /// <summary>Reserves <paramref name="count"/> bytes to fill later with <see cref="Patch(int, ushort)"/>; returns false when they do not fit.</summary>
    public bool TryReserve(int count, out int offset)
    {
        offset = _position;
        if (Remaining < count)
        {
            return false;
        }

        _position += count;
        return true;
    }

    /// <summary>Writes a little-endian <see cref="ushort"/> at an offset reserved earlier.</summary>
    public readonly void Patch(int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(offset, 2), value);

    /// <summary>Writes one byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWriteByte(byte value)
    {
        if ((uint)_position >= (uint)_buffer.Length)
        {
            return false;
        }

        _buffer[_position++] = value;
        return true;
    }

    /// <summary>Writes a little-endian <see cref="ushort"/>.</summary>
    public bool TryWriteUInt16(ushort value)
    {
        if (Remaining < 2)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(_position), value);
        _position += 2;
        return true;
    }

    /// <summary>Writes a little-endian <see cref="uint"/>.</summary>
    public bool TryWriteUInt32(uint value)
    {
        if (Remaining < 4)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Slice(_position), value);
        _position += 4;
        return true;
    }

    /// <summary>Writes a little-endian <see cref="ulong"/>.</summary>
    public bool TryWriteUInt64(ulong value)
    {
        if (Remaining < 8)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(_position), value);
        _position += 8;
        return true;
    }

    /// <summary>Writes a little-endian IEEE 754 <see cref="double"/>.</summary>
    public bool TryWriteDouble(double value) => TryWriteUInt64(BitConverter.DoubleToUInt64Bits(value));

    /// <summary>Writes an unsigned LEB128 varint (1 to 10 bytes).</summary>
    public bool TryWriteVarUInt(ulong value)
    {
        int size = VarInt.SizeOf(value);
        if (Remaining < size)
        {
            return false;
        }

        Span<byte> target = _buffer.Slice(_position, size);
        int i = 0;
        while (value >= 0x80)
        {
            target[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        target[i] = (byte)value;
        _position += size;
        return true;
    }

    /// <summary>Writes raw bytes with no length prefix.</summary>
    public bool TryWriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        if (Remaining < bytes.Length)
        {
            return false;
        }

        bytes.CopyTo(_buffer.Slice(_position));
        _position += bytes.Length;
        return true;
    }

    /// <summary>Writes a varint length followed by the bytes; all or nothing.</summary>
    public bool TryWriteLengthPrefixed(scoped ReadOnlySpan<byte> bytes)
    {
        int start = _position;
        if (TryWriteVarUInt((uint)bytes.Length) && TryWriteRaw(bytes))
        {
            return true;
        }

        _position = start;
        return false;
    }
}
