namespace Gossip.Engine.Runtime;

/// <summary>
/// The rounds a node may sleep through. After each round and each frame or command the node works out the first
/// round that has work in it (a send, an event, a verdict, a change other threads read); the rounds before it are
/// quiet, and a scheduler that ticks only a few nodes on the real clock leaves them unticked, which takes an idle node
/// from one wake-up per round to one per probe. A quiet round is not dropped: it runs later, in order, before the node
/// handles its next frame, command or round, with its nominal start time standing in for the clock, so the round
/// counter, the heartbeat and every deadline counted in rounds advance exactly as if it had run on time. Owner thread,
/// except <see cref="WakeTimestamp"/> and <see cref="Enabled"/>.
/// </summary>
internal sealed class QuietRounds
{
    private readonly long _intervalTicks;
    private long _lastStart;
    private long _workRound;
    private long _wakeTimestamp;
    private bool _enabled;

    public QuietRounds(long intervalTicks) => _intervalTicks = Math.Max(1, intervalTicks);

    /// <summary>Set by the scheduler: true while it may leave this node's quiet rounds unticked. Any thread.</summary>
    public bool Enabled
    {
        get => Volatile.Read(ref _enabled);
        set => Volatile.Write(ref _enabled, value);
    }

    /// <summary>
    /// When the first round with work in it is due (the timestamp of its nominal start), or 0 when that is the next
    /// round or unknown: a scheduler may sleep until then. Any thread.
    /// </summary>
    public long WakeTimestamp => Volatile.Read(ref _wakeTimestamp);

    /// <summary>True when rounds after <paramref name="round"/> were left quiet and may be owed (owner thread).</summary>
    public bool Owed(long round) => _workRound > round + 1 && Enabled;

    /// <summary>The nominal start of the round after the last one run.</summary>
    public long NextStart => _lastStart + _intervalTicks;

    /// <summary>Notes the start of a round run now (or, for a slept one, at its nominal start).</summary>
    public void Started(long timestamp) => _lastStart = timestamp;

    /// <summary>
    /// Quiet rounds to run before a frame or command handled at <paramref name="now"/>: those that would have started
    /// before it. 0 unless enabled, and never past the last quiet round.
    /// </summary>
    public long DueBeforeInput(long round, long now) => Due(round, now - _lastStart - 1);

    /// <summary>
    /// Quiet rounds to run before the round ticked at <paramref name="now"/>: those whose nominal start is at least
    /// half an interval before it (a tick is late or early by less than that). 0 unless enabled.
    /// </summary>
    public long DueBeforeRound(long round, long now) => Due(round, now - _lastStart - (_intervalTicks / 2));

    /// <summary>
    /// Records the first round with work after <paramref name="round"/> and publishes when it is due. Returns whether
    /// that moved from the time published before: earlier, so a scheduler sleeping until then must be woken, or later,
    /// so it may sleep longer.
    /// </summary>
    public WorkMoved SetWorkRound(long round, long workRound)
    {
        if (!Enabled)
        {
            _workRound = 0;
            Volatile.Write(ref _wakeTimestamp, 0);
            return WorkMoved.No;
        }

        _workRound = workRound;
        long wake = workRound <= round + 1 ? 0 : _lastStart + ((workRound - round) * _intervalTicks);
        long before = _wakeTimestamp;
        Volatile.Write(ref _wakeTimestamp, wake);
        return before == 0 || wake == before ? WorkMoved.No : wake < before ? WorkMoved.Earlier : WorkMoved.Later;
    }

    private long Due(long round, long elapsedTicks)
    {
        long quiet = _workRound - round - 1;
        if (quiet <= 0 || elapsedTicks < 0 || !Enabled)
        {
            return 0;
        }

        return Math.Min(quiet, elapsedTicks / _intervalTicks);
    }
}

/// <summary>How a node's first round with work moved (<see cref="QuietRounds.SetWorkRound"/>).</summary>
internal enum WorkMoved
{
    /// <summary>Not at all, or from the next round (a scheduler was not sleeping past it).</summary>
    No,

    /// <summary>Earlier: a scheduler sleeping past it must be woken.</summary>
    Earlier,

    /// <summary>Later: a scheduler may sleep longer.</summary>
    Later,
}
