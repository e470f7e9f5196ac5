namespace Gossip.Engine.Runtime;

/// <summary>
/// A periodic timer on a thread of its own, for the real clock: it sleeps until the next due time and runs the
/// callback itself. A <see cref="Timer"/> wakes the runtime's timer thread, which queues the callback
/// to the thread pool, which wakes a worker: two thread wake-ups per round where one is enough, and in a process that
/// holds a single idle node those wake-ups are nearly all its CPU. Callbacks never overlap; one that runs past its
/// next due time delays that firing (firings missed meanwhile are skipped, not run in a burst). The callback must not
/// throw. Between firings the thread sleeps on a <see cref="MonotonicTimer"/> where there is one (glibc Linux): until
/// the exact due time, without the runtime's wait machinery (an <see cref="AutoResetEvent"/> cost 80 against 57 µs of
/// CPU per wake-up under the JIT for a direct kernel wait, docs/performance.md "Third pass"), and a due time moved later
/// from another thread (<see cref="DeferTo"/>) lets it sleep on instead of waking it to look; elsewhere on the event.
/// </summary>
internal sealed class TickThread : ITimer
{
    private readonly Lock _gate = new();
    private readonly AutoResetEvent _wake = new(initialState: false);
    // Under the gate; null where there is no timerfd, or after the kernel refused one (then on the event for good).
    private MonotonicTimer? _timer = CreateTimer();
    private readonly Action _callback;
    private readonly Thread _thread;
    private long _periodTicks;
    private long _dueTimestamp;
    private int _pullIns;
    private bool _disposed;

    /// <summary>Starts the thread; the first firing is <paramref name="dueTime"/> from now.</summary>
    public TickThread(Action callback, TimeSpan dueTime, TimeSpan period, string name)
    {
        _callback = callback;
        Set(dueTime, period);
        if (_timer is not null)
        {
            Wake();
        }

        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <inheritdoc />
    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            Set(dueTime, period);
            Wake();
        }

        return true;
    }

    /// <summary>How many times <see cref="PullIn"/> was called: read before deciding to <see cref="DeferTo"/>.</summary>
    public int PullIns
    {
        get
        {
            lock (_gate)
            {
                return _pullIns;
            }
        }
    }

    /// <summary>
    /// Any thread (the callback, or a node whose work moved later): moves the next firing out by whole periods to the one nearest <paramref name="timestamp"/>
    /// (the firings between are skipped), unless <see cref="PullIn"/> was called after <paramref name="pullIns"/> was
    /// read: then whatever asked for it may be due sooner, and the next firing stays.
    /// </summary>
    public void DeferTo(long timestamp, int pullIns)
    {
        lock (_gate)
        {
            if (_disposed || pullIns != _pullIns || _periodTicks == 0 || _dueTimestamp == long.MaxValue)
            {
                return;
            }

            long periods = (timestamp - _dueTimestamp + (_periodTicks / 2)) / _periodTicks;
            if (periods > 0)
            {
                _dueTimestamp += periods * _periodTicks;

                // On the timer a sleeping thread sleeps on to the new due time; on the event it wakes at the old one
                // and sleeps again, so there is nothing to tell it.
                if (_timer is not null)
                {
                    Wake();
                }
            }
        }
    }

    /// <summary>Any thread: brings a deferred firing back to the first one of the period grid not yet past, and refuses a <see cref="DeferTo"/> decided before this call.</summary>
    public void PullIn()
    {
        lock (_gate)
        {
            _pullIns++;
            long now = TimeProvider.System.GetTimestamp();
            if (_disposed || _periodTicks == 0 || _dueTimestamp == long.MaxValue || _dueTimestamp - now < _periodTicks)
            {
                return;
            }

            _dueTimestamp -= (_dueTimestamp - now) / _periodTicks * _periodTicks;
            Wake();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Wake();
        }

        if (Thread.CurrentThread != _thread && _thread.Join(TimeSpan.FromSeconds(2)))
        {
            _wake.Dispose();
            _timer?.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Under the gate (or before the thread starts): an infinite due time stops firing; a zero or infinite period fires once.</summary>
    private void Set(TimeSpan dueTime, TimeSpan period)
    {
        _periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : ToTimestampTicks(period);
        _dueTimestamp = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : TimeProvider.System.GetTimestamp() + ToTimestampTicks(dueTime);
    }

    /// <summary>
    /// Under the gate: tells the sleeping thread its due time changed. On the timer the new due time is simply armed:
    /// an earlier one wakes the thread then, a later one lets it sleep on; after dispose, one long past wakes it at once.
    /// On the event the sleep is cut short, so the thread re-reads its due time.
    /// </summary>
    private void Wake()
    {
        if (_timer is not null && _timer.Arm(_disposed ? 1 : _dueTimestamp))
        {
            return;
        }

        // No timer, or the kernel refused (never seen): on the event for good. A sleeper on the timer still wakes at
        // the deadline armed before and finds the event then.
        _timer = null;
        _wake.Set();
    }

    private static MonotonicTimer? CreateTimer()
    {
        try
        {
            return MonotonicTimer.IsSupported ? new MonotonicTimer() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static long ToTimestampTicks(TimeSpan span) => (long)(Math.Max(0, span.TotalSeconds) * TimeProvider.System.TimestampFrequency);

    private void Run()
    {
        while (true)
        {
            int waitMs;
            MonotonicTimer? timer;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                timer = _timer;
                long now = TimeProvider.System.GetTimestamp();
                if (now >= _dueTimestamp)
                {
                    // Due: the next firing is one period after this due time, or one period from now when the callback
                    // or the machine fell a whole period behind. The timer is armed for it before the callback runs, so
                    // a due time the callback moves is armed in turn.
                    long next = _dueTimestamp + _periodTicks;
                    _dueTimestamp = _periodTicks == 0 ? long.MaxValue : next > now ? next : now + _periodTicks;
                    waitMs = 0;
                    if (timer is not null)
                    {
                        Wake();
                    }
                }
                else if (_dueTimestamp == long.MaxValue)
                {
                    waitMs = Timeout.Infinite;
                }
                else
                {
                    // Rounded up to whole milliseconds, so the thread wakes at or just after the due time, not once early.
                    long frequency = TimeProvider.System.TimestampFrequency;
                    waitMs = (int)Math.Min(int.MaxValue, (((_dueTimestamp - now) * 1000) + frequency - 1) / frequency);
                }
            }

            if (waitMs == 0)
            {
                _callback();
            }
            else if (timer is not null)
            {
                // The timer sleeps to the armed due time itself (no rounding to milliseconds), however often another
                // thread moved it meanwhile. A refused read (never seen) drops to the event for good rather than spin.
                if (!timer.Wait())
                {
                    lock (_gate)
                    {
                        _timer = null;
                    }
                }
            }
            else
            {
                _wake.WaitOne(waitMs);
            }
        }
    }
}
