namespace Gossip.Engine.Runtime;

/// <summary>
/// Ticks nodes' rounds. Nodes with the same interval share one timer (a "wheel" of 2 slots per interval): each node
/// gets a random slot and each timer callback runs the rounds of its slot's nodes (a node busy on another thread gets
/// its tick queued instead). On the real clock the timer is a thread of the wheel's own (<see cref="TickThread"/>),
/// which runs a slot of a few nodes itself and hands a larger slot to the thread pool. The cost of an idle in-process cluster is wake-ups, not work: every timer callback
/// and every burst of datagrams its probes cause wakes a thread, so fewer, fuller slots are cheaper. Measured with
/// LoadGen targets (128 nodes, paired 20 s runs, then with inline socket completions on): 8 slots 0.0165 % CPU per
/// node, 2 slots 0.0081 %, 1 slot no better than 2; two keep each burst to half the cluster. A slow node never delays another's state.
/// While all of a wheel's nodes sit in one slot, or it holds only a few (always so for the one node of an embedding
/// service's process), the wheel fires once per interval instead of once per slot: the other slot's firings woke the
/// timer thread and a thread-pool worker to tick nobody, half of an idle single-node process's wake-ups. Such a wheel of at most a few
/// nodes on the real clock also sleeps through their quiet rounds (<see cref="QuietRounds"/>): after each firing it
/// skips ahead to the first round in which one of its nodes has work, and a node whose work moved earlier (a frame,
/// a command) pulls the next firing back in. An idle node then wakes for its probe rather than every round.
/// </summary>
internal sealed class RoundScheduler : IDisposable
{
    private const int Slots = 2;

    // A slot of at most this many nodes is ticked on the wheel's own thread; a larger one on the thread pool.
    private const int InlineNodes = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<TimeSpan, TickWheel> _wheels = [];

    /// <summary>The process-wide scheduler.</summary>
    public static RoundScheduler Shared { get; } = new();

    internal IDisposable Register(NodeMailbox mailbox, TimeSpan interval, TimeProvider time, IRandomSource random)
    {
        TickWheel wheel;
        lock (_gate)
        {
            if (!_wheels.TryGetValue(interval, out wheel!))
            {
                wheel = new TickWheel(interval, time);
                _wheels.Add(interval, wheel);
            }
        }

        int slot = random.Next(Slots);
        wheel.Add(slot, mailbox);
        return new Registration(wheel, slot, mailbox);
    }

    /// <summary>Stops every timer.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (TickWheel wheel in _wheels.Values)
            {
                wheel.Dispose();
            }

            _wheels.Clear();
        }
    }

    private sealed class TickWheel : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly NodeMailbox[][] _slots = new NodeMailbox[Slots][];
        private readonly TimeSpan _interval;
        private readonly long _halfIntervalTicks;
        private readonly ITimer _timer;
        private readonly SlotWork[] _slotWork;
        private int _next;

        // False while at most one slot holds nodes, or the wheel holds only a few: the timer then fires once per interval
        // and ticks every slot.
        private bool _spread;

        // True while the wheel may sleep through its nodes' quiet rounds: not spread, few nodes, on its own thread.
        private bool _sleeps;

        public TickWheel(TimeSpan interval, TimeProvider time)
        {
            for (int i = 0; i < Slots; i++)
            {
                _slots[i] = [];
            }

            _interval = interval;
            _halfIntervalTicks = (long)(interval.TotalSeconds * TimeProvider.System.TimestampFrequency / 2);
            _slotWork = new SlotWork[Slots];
            for (int i = 0; i < Slots; i++)
            {
                _slotWork[i] = new SlotWork(this, i);
            }

            // On the real clock the wheel has a thread of its own (one wake-up per firing instead of the timer thread's
            // and a pool worker's); a fake clock keeps tests in control of every firing.
            _timer = time == TimeProvider.System
                ? new TickThread(Fire, interval, interval, "Gossip rounds")
                : time.CreateTimer(static state => ((TickWheel)state!).Fire(), this, interval, interval);
        }

        public void Add(int slot, NodeMailbox mailbox)
        {
            lock (_gate)
            {
                // Copy-on-write: the timer callback reads a slot array without a lock.
                Volatile.Write(ref _slots[slot], [.. _slots[slot], mailbox]);
                mailbox.Node.WakeScheduler = PullIn;
                mailbox.Node.LetSchedulerSleep = SleepUntilWork;
                Retime();

                // A wheel asleep past the next period must tick its new node from then on.
                PullIn();
            }
        }

        public void Remove(int slot, NodeMailbox mailbox)
        {
            lock (_gate)
            {
                NodeMailbox[] current = _slots[slot];
                int index = Array.IndexOf(current, mailbox);
                if (index >= 0)
                {
                    NodeMailbox[] next = new NodeMailbox[current.Length - 1];
                    Array.Copy(current, next, index);
                    Array.Copy(current, index + 1, next, index, current.Length - index - 1);
                    Volatile.Write(ref _slots[slot], next);
                    mailbox.Node.Quiet.Enabled = false;
                    mailbox.Node.WakeScheduler = null;
                    mailbox.Node.LetSchedulerSleep = null;
                    Retime();
                }
            }
        }

        public void Dispose() => _timer.Dispose();

        /// <summary>Under the gate: fires once per slot per interval while two or more slots hold more than a few nodes, else once per interval.</summary>
        private void Retime()
        {
            int occupied = 0;
            int nodes = 0;
            bool systemClock = true;
            foreach (NodeMailbox[] slot in _slots)
            {
                occupied += slot.Length > 0 ? 1 : 0;
                nodes += slot.Length;
                foreach (NodeMailbox mailbox in slot)
                {
                    systemClock &= mailbox.Node.Time == TimeProvider.System;
                }
            }

            // Spreading halves a large wheel's bursts; a few nodes it would only wake twice as often (and a wheel of a
            // few is never spread). A node tells when it next has work by its own clock, which the wheel's thread must share.
            bool spread = occupied > 1 && nodes > InlineNodes;
            bool sleeps = nodes <= InlineNodes && systemClock && _timer is TickThread;
            Volatile.Write(ref _sleeps, sleeps);
            foreach (NodeMailbox[] slot in _slots)
            {
                foreach (NodeMailbox mailbox in slot)
                {
                    mailbox.Node.Quiet.Enabled = sleeps;
                }
            }

            if (spread != _spread)
            {
                Volatile.Write(ref _spread, spread);
                TimeSpan period = spread ? _interval / Slots : _interval;
                _timer.Change(period, period);
            }
        }

        private void Fire()
        {
            if (!Volatile.Read(ref _spread))
            {
                for (int i = 0; i < Slots; i++)
                {
                    Run(i);
                }

                SleepUntilWork();
                return;
            }

            Run((Interlocked.Increment(ref _next) & int.MaxValue) % Slots);
        }

        /// <summary>
        /// Ticks a slot's nodes: inline when they are few (an embedding service's one node costs one wake-up a round),
        /// on the thread pool when many, so a large in-process cluster's rounds run on the pool as before and a slot
        /// that runs long can overlap the next slot's firing. A node's mailbox guarantees one executor per node anyway.
        /// </summary>
        private void Run(int slot)
        {
            NodeMailbox[] mailboxes = Volatile.Read(ref _slots[slot]);
            if (mailboxes.Length > InlineNodes && _timer is TickThread)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_slotWork[slot], preferLocal: false);
                return;
            }

            Tick(mailboxes);
        }

        /// <summary>
        /// After an unspread firing, or when a node's work moved later (on its own thread): skips ahead to the first
        /// round in which one of the nodes has work. A node still
        /// busy with the round just ticked (on another thread) has not published its next work yet, and its last one
        /// is not later than now, so the wheel fires again next period. The pull-in count is read first: a node that
        /// pulls in after it refuses this deferral; one that pulled in before published its work first.
        /// </summary>
        private void SleepUntilWork()
        {
            if (!Volatile.Read(ref _sleeps) || _timer is not TickThread thread)
            {
                return;
            }

            int pullIns = thread.PullIns;
            long wake = long.MaxValue;
            for (int i = 0; i < Slots; i++)
            {
                foreach (NodeMailbox mailbox in Volatile.Read(ref _slots[i]))
                {
                    long due = mailbox.Node.Quiet.WakeTimestamp;
                    if (due == 0)
                    {
                        return;
                    }

                    wake = Math.Min(wake, due);
                }
            }

            if (wake != long.MaxValue)
            {
                thread.DeferTo(wake, pullIns);
            }
        }

        /// <summary>A node's work moved earlier: the next firing comes back to the next period.</summary>
        private void PullIn() => (_timer as TickThread)?.PullIn();

        /// <summary>Ticks the slot's nodes, except those asleep past this firing (a firing for another node's work).</summary>
        private void Tick(NodeMailbox[] mailboxes)
        {
            long now = 0;
            foreach (NodeMailbox mailbox in mailboxes)
            {
                long wake = mailbox.Node.Quiet.WakeTimestamp;
                if (wake != 0)
                {
                    now = now == 0 ? TimeProvider.System.GetTimestamp() : now;
                    if (wake - _halfIntervalTicks > now)
                    {
                        continue;
                    }
                }

                mailbox.Tick();
            }
        }

        /// <summary>One slot's ticks as a reusable thread-pool item: queuing it allocates nothing.</summary>
        private sealed class SlotWork(TickWheel wheel, int slot) : IThreadPoolWorkItem
        {
            public void Execute() => wheel.Tick(Volatile.Read(ref wheel._slots[slot]));
        }
    }

    private sealed class Registration(TickWheel wheel, int slot, NodeMailbox mailbox) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                wheel.Remove(slot, mailbox);
            }
        }
    }
}
