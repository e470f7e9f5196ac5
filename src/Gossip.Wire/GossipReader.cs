using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Gossip.Wire;

/// <summary>
/// Forward-only reader over a received span. Every <c>TryRead*</c> checks bounds first and returns a
/// <see cref="WireStatus"/>; nothing here throws on input or reads out of range. On failure the position
/// is unspecified: callers drop the frame.
/// </summary>
public ref struct GossipReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    /// <summary>Creates a reader over <paramref name="buffer"/>.</summary>
    public GossipReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left to read.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>True when every byte has been consumed.</summary>
    public readonly bool End => _position == _buffer.Length;

    /// <summary>Reads one byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WireStatus TryReadByte(out byte value)
    {
        if ((uint)_position >= (uint)_buffer.Length)
        {
            value = 0;
            return WireStatus.Truncated;
        }

        value = _buffer[_position++];
        return WireStatus.Ok;
    }

    /// <summary>Reads a little-endian <see cref="ushort"/>.</summary>
    public WireStatus TryReadUInt16(out ushort value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return WireStatus.Truncated;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(_position));
        _position += 2;
        return WireStatus.Ok;
    }

    /// <summary>Reads a little-endian <see cref="uint"/>.</summary>
    public WireStatus TryReadUInt32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return WireStatus.Truncated;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(_position));
        _position += 4;
        return WireStatus.Ok;
    }

    /// <summary>Reads a little-endian <see cref="ulong"/>.</summary>
    public WireStatus TryReadUInt64(out ulong value)
    {
        if (Remaining < 8)
        {
            value = 0;
            return WireStatus.Truncated;
        }

        value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(_position));
        _position += 8;
        return WireStatus.Ok;
    }

    /// <summary>Reads a little-endian IEEE 754 <see cref="double"/>; NaN and infinities are <see cref="WireStatus.Malformed"/>.</summary>
    public WireStatus TryReadFiniteDouble(out double value)
    {
        WireStatus status = TryReadUInt64(out ulong bits);
        value = BitConverter.UInt64BitsToDouble(bits);
        if (status != WireStatus.Ok)
        {
            return status;
        }

        return double.IsFinite(value) ? WireStatus.Ok : WireStatus.Malformed;
    }

    /// <summary>Reads an unsigned LEB128 varint. Overlong (more than 10 bytes) or overflowing encodings are <see cref="WireStatus.Malformed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public WireStatus TryReadVarUInt(out ulong value)
    {
        // Fast path: most varints on the wire (counts, small versions, sequence numbers) are one byte.
        if ((uint)_position < (uint)_buffer.Length && _buffer[_position] < 0x80)
        {
            value = _buffer[_position++];
            return WireStatus.Ok;
        }

        return TryReadVarUIntSlow(out value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WireStatus TryReadVarUIntSlow(out ulong value)
    {
        // With 10 bytes in hand, decode without a bounds check per byte.
        if (Remaining >= VarInt.MaxBytes)
        {
            ReadOnlySpan<byte> bytes = _buffer.Slice(_position, VarInt.MaxBytes);
            ulong result = 0;
            for (int i = 0; i < VarInt.MaxBytes; i++)
            {
                byte b = bytes[i];
                if (i == VarInt.MaxBytes - 1 && b > 1)
                {
                    value = 0;
                    return WireStatus.Malformed;
                }

                result |= (ulong)(b & 0x7F) << (7 * i);
                if (b < 0x80)
                {
                    _position += i + 1;
                    value = result;
                    return WireStatus.Ok;
                }
            }

            value = 0;
            return WireStatus.Malformed;
        }

        value = 0;
        int shift = 0;
        for (int i = 0; i < VarInt.MaxBytes; i++)
        {
            if ((uint)_position >= (uint)_buffer.Length)
            {
                return WireStatus.Truncated;
            }

            byte b = _buffer[_position++];
            if (i == VarInt.MaxBytes - 1 && b > 1)
            {
                return WireStatus.Malformed;
            }

            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return WireStatus.Ok;
            }

            shift += 7;
        }

        return WireStatus.Malformed;
    }

    /// <summary>Reads a varint that must not exceed <paramref name="max"/> (a count or a length).</summary>
    public WireStatus TryReadBoundedVarUInt(int max, out int value)
    {
        WireStatus status = TryReadVarUInt(out ulong raw);
        if (status != WireStatus.Ok)
        {
            value = 0;
            return status;
        }

        if (raw > (ulong)max)
        {
            value = 0;
            return WireStatus.LimitExceeded;
        }

        value = (int)raw;
        return WireStatus.Ok;
    }

    /// <summary>Reads a varint that must fit in 32 bits.</summary>
    public WireStatus TryReadVarUInt32(out uint value)
    {
        WireStatus status = TryReadVarUInt(out ulong raw);
        if (status == WireStatus.Ok && raw > uint.MaxValue)
        {
            status = WireStatus.Malformed;
        }

        value = (uint)raw;
        return status;
    }

    /// <summary>Reads <paramref name="count"/> raw bytes as a slice of the input (no copy).</summary>
    public WireStatus TryReadRaw(int count, out ReadOnlySpan<byte> bytes)
    {
        if ((uint)count > (uint)Remaining)
        {
            bytes = default;
            return WireStatus.Truncated;
        }

        bytes = _buffer.Slice(_position, count);
        _position += count;
        return WireStatus.Ok;
    }

    /// <summary>Reads a varint length, checks it against <paramref name="maxLength"/>, then slices that many bytes.</summary>
    public WireStatus TryReadLengthPrefixed(int maxLength, out ReadOnlySpan<byte> bytes)
    {
        WireStatus status = TryReadBoundedVarUInt(maxLength, out int length);
        if (status != WireStatus.Ok)
        {
            bytes = default;
            return status;
        }

        return TryReadRaw(length, out bytes);
    }

    /// <summary>Reads a list count written by <see cref="ListWriter"/> and checks it against <paramref name="maxCount"/>.</summary>
    public WireStatus TryReadCount(int maxCount, out int count)
    {
        WireStatus status = TryReadUInt16(out ushort raw);
        count = raw;
        if (status != WireStatus.Ok)
        {
            return status;
        }

        return raw > maxCount ? WireStatus.LimitExceeded : WireStatus.Ok;
    }
}
