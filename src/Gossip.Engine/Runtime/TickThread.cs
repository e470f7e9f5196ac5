namespace Gossip.Engine.Runtime;

/// <summary>
/// A periodic timer on a thread of its own, for the real clock: it sleeps until the next due time and runs the
/// callback itself. A <see cref="Timer"/> wakes the runtime's timer thread, which queues the callback
/// to the thread pool, which wakes a worker: two thread wake-ups per round where one is enough, and in a process that
/// holds a single idle node those wake-ups are nearly all its CPU. Callbacks never overlap; one that runs past its
/// next due time delays that firing (firings missed meanwhile are skipped, not run in a burst). The callback must not
/// throw. Between firings the thread sleeps on a <see cref="MonotonicFutex"/> where there is one (glibc Linux): one
/// system call per firing until the exact due time, where an <see cref="AutoResetEvent"/> cost 80 against 57 µs of CPU
/// per wake-up under the JIT (<see cref="MonotonicFutex"/>); elsewhere on the event.
/// </summary>
internal sealed class TickThread : ITimer
{
    private readonly Lock _gate = new();
    private readonly AutoResetEvent _wake = new(initialState: false);
    // Under the gate; null where there is no futex, or after the kernel refused a wait (then on the event for good).
    private MonotonicFutex? _futex = MonotonicFutex.IsSupported ? new MonotonicFutex() : null;
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
    /// From the callback: moves the next firing out by whole periods to the one nearest <paramref name="timestamp"/>
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

    /// <summary>Under the gate: cuts the current sleep short, so the thread re-reads its due time.</summary>
    private void Wake()
    {
        if (_futex is not null)
        {
            _futex.Wake();
        }
        else
        {
            _wake.Set();
        }
    }

    private static long ToTimestampTicks(TimeSpan span) => (long)(Math.Max(0, span.TotalSeconds) * TimeProvider.System.TimestampFrequency);

    private void Run()
    {
        while (true)
        {
            int waitMs;
            long due;
            int sequence = 0;
            MonotonicFutex? futex;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                // Read before the due time, under the gate: a Change after this point bumps it, and the wait below
                // then returns at once instead of sleeping through the new due time.
                futex = _futex;
                if (futex is not null)
                {
                    sequence = futex.Sequence;
                }

                long now = TimeProvider.System.GetTimestamp();
                due = _dueTimestamp;
                if (now >= _dueTimestamp)
                {
                    // Due: the next firing is one period after this due time, or one period from now when the callback
                    // or the machine fell a whole period behind.
                    long next = _dueTimestamp + _periodTicks;
                    _dueTimestamp = _periodTicks == 0 ? long.MaxValue : next > now ? next : now + _periodTicks;
                    waitMs = 0;
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
            else if (futex is not null)
            {
                // The futex sleeps to the due time itself (no rounding to milliseconds). A refused wait (never seen)
                // drops to the event for good rather than spin.
                if (!futex.Wait(sequence, due))
                {
                    lock (_gate)
                    {
                        _futex = null;
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
