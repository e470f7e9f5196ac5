namespace Gossip.Wire;

/// <summary>
/// A push-sum share for one aggregation epoch: <c>[epoch:varint][valueSum:f64][valueWeight:f64][countSum:f64][countWeight:f64][min:f64][max:f64]</c>.
/// valueSum / valueWeight converges to the average, countSum / countWeight to the member count; min and max spread by taking the extreme.
/// </summary>
public readonly record struct AggregateShare(uint Epoch, double ValueSum, double ValueWeight, double CountSum, double CountWeight, double Min, double Max)
{
    /// <summary>Writes the share; all or nothing.</summary>
    public bool TryWrite(ref GossipWriter writer)
    {
        int start = writer.Position;
        if (writer.TryWriteVarUInt(Epoch) && writer.TryWriteDouble(ValueSum) && writer.TryWriteDouble(ValueWeight)
            && writer.TryWriteDouble(CountSum) && writer.TryWriteDouble(CountWeight) && writer.TryWriteDouble(Min) && writer.TryWriteDouble(Max))
        {
            return true;
        }

        writer.Rewind(start);
        return false;
    }

    /// <summary>Reads a share; non-finite numbers and negative weights are <see cref="WireStatus.Malformed"/>.</summary>
    public static WireStatus TryRead(ref GossipReader reader, out AggregateShare share)
    {
        share = default;
        WireStatus status;
        if ((status = reader.TryReadVarUInt32(out uint epoch)) != WireStatus.Ok
            || (status = reader.TryReadFiniteDouble(out double valueSum)) != WireStatus.Ok
            || (status = reader.TryReadFiniteDouble(out double valueWeight)) != WireStatus.Ok
            || (status = reader.TryReadFiniteDouble(out double countSum)) != WireStatus.Ok
            || (status = reader.TryReadFiniteDouble(out double countWeight)) != WireStatus.Ok
            || (status = reader.TryReadFiniteDouble(out double min)) != WireStatus.Ok
            || (status = reader.TryReadFiniteDouble(out double max)) != WireStatus.Ok)
        {
            return status;
        }

        if (valueWeight < 0 || countWeight < 0 || countSum < 0)
        {
            return WireStatus.Malformed;
        }

        share = new AggregateShare(epoch, valueSum, valueWeight, countSum, countWeight, min, max);
        return WireStatus.Ok;
    }
}
