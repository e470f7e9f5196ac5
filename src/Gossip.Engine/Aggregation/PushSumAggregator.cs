using Gossip.Wire;

namespace Gossip.Engine.Aggregation;

/// <summary>
/// Push-sum aggregation (Kempe, Dobra, Gehrke 2003) restarted every epoch so it follows churn and heals lost mass.
/// Within an epoch each node holds (valueSum, valueWeight) starting at (x, 1) when it published x, and
/// (countSum, countWeight) starting at (1, leader ? 1 : 0); every round it keeps half and sends half to a random
/// peer. valueSum / valueWeight converges to the average of published values and countSum / countWeight to
/// how many nodes published. Min and max spread by taking extremes. Epochs are numbered from the shared clock
/// (virtual in simulation), so nodes need no coordination to restart together; the estimate reported is that of
/// the last completed epoch.
/// </summary>
internal sealed class PushSumAggregator
{
    private double _value = double.NaN;
    private uint _epoch;
    private double _valueSum;
    private double _valueWeight;
    private double _countSum;
    private double _countWeight;
    private double _min;
    private double _max;
    private bool _leader;

    /// <summary>Estimate of the last completed epoch.</summary>
    public AggregateEstimate Completed { get; private set; }

    public bool HasValue => !double.IsNaN(_value);

    public uint Epoch => _epoch;

    /// <summary>The running (not yet final) estimate of the current epoch.</summary>
    public AggregateEstimate Current
    {
        get
        {
            double average = _valueWeight > 0 ? _valueSum / _valueWeight : double.NaN;
            double count = _countWeight > 0 ? _countSum / _countWeight : double.NaN;
            return new AggregateEstimate(_epoch, average, average * count, count, _min, _max);
        }
    }

    public void Publish(double value) => _value = value;

    /// <summary>Moves to <paramref name="epoch"/> when it is newer: the running estimate becomes the completed one and the sums restart.</summary>
    public void EnterEpoch(uint epoch, bool leader)
    {
        if (epoch <= _epoch && _epoch != 0)
        {
            return;
        }

        if (_epoch != 0)
        {
            Completed = Current;
        }

        _epoch = epoch;
        _leader = leader;
        bool has = HasValue;
        _valueSum = has ? _value : 0;
        _valueWeight = has ? 1 : 0;
        _countSum = has ? 1 : 0;
        _countWeight = leader ? 1 : 0;
        _min = has ? _value : double.MaxValue;
        _max = has ? _value : double.MinValue;
    }

    /// <summary>Halves the local mass and returns the half to send to one peer this round.</summary>
    public AggregateShare TakeShare()
    {
        _valueSum *= 0.5;
        _valueWeight *= 0.5;
        _countSum *= 0.5;
        _countWeight *= 0.5;
        return new AggregateShare(_epoch, _valueSum, _valueWeight, _countSum, _countWeight, _min, _max);
    }

    /// <summary>Adds a received share. A share of a newer epoch moves this node to it first; an older one is dropped.</summary>
    public void Receive(in AggregateShare share, bool leaderIfNewEpoch)
    {
        if (share.Epoch > _epoch)
        {
            EnterEpoch(share.Epoch, leaderIfNewEpoch);
        }

        if (share.Epoch != _epoch)
        {
            return;
        }

        _valueSum += share.ValueSum;
        _valueWeight += share.ValueWeight;
        _countSum += share.CountSum;
        _countWeight += share.CountWeight;
        _min = Math.Min(_min, share.Min);
        _max = Math.Max(_max, share.Max);
    }

    /// <summary>True when this node injected the count weight this epoch.</summary>
    public bool IsLeader => _leader;
}
