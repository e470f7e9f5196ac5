using System.IO.Hashing;
using Gossip.Wire;

namespace Gossip.Engine.Simulation;

/// <summary>
/// An in-memory network in virtual time: datagrams are delayed (uniform between min and max, so they reorder),
/// lost, duplicated or cut by partitions, all drawn from one seeded random source, and events run in
/// (time, sequence) order, so the same seed and the same node behaviour give the same trace bit for bit
/// (<see cref="TraceHash"/>). Single-threaded: call it from one thread only. Steady state allocates nothing:
/// frames in flight live in the network's own buffer pool and the event heap keeps its size.
/// </summary>
public sealed class SimulatedNetwork
{
    private readonly PriorityQueue<Event, EventKey> _queue = new(EventKeyComparer.Instance);
    private readonly Dictionary<WireAddress, SimulatedTransport> _transports = [];
    private readonly HashSet<(WireAddress, WireAddress)> _cutLinks = [];
    private readonly SeededRandom _random;
    private readonly FrameBufferPool _buffers = new();
    private long _sequence;
    private int _nextHost;
    private ulong _trace = 0xCBF29CE484222325UL;

    /// <summary>Creates a network whose every random draw follows <paramref name="seed"/>.</summary>
    public SimulatedNetwork(ulong seed, SimulatedNetworkOptions? options = null)
    {
        Options = options ?? new SimulatedNetworkOptions();
        Options.Validate();
        _random = new SeededRandom(seed);
    }

    /// <summary>The virtual clock; give it to nodes as their <see cref="TimeProvider"/>.</summary>
    public VirtualClock Clock { get; } = new();

    /// <summary>Faults and delays, adjustable while running.</summary>
    public SimulatedNetworkOptions Options { get; }

    /// <summary>Datagrams handed to the network.</summary>
    public long DatagramsSent { get; private set; }

    /// <summary>Datagrams delivered (duplicates included).</summary>
    public long DatagramsDelivered { get; private set; }

    /// <summary>Datagrams lost to <see cref="SimulatedNetworkOptions.LossRate"/>.</summary>
    public long DatagramsLost { get; private set; }

    /// <summary>Extra copies made by <see cref="SimulatedNetworkOptions.DuplicateRate"/>.</summary>
    public long DatagramsDuplicated { get; private set; }

    /// <summary>Frames dropped because source and destination were in different partition groups.</summary>
    public long DatagramsDroppedByPartition { get; private set; }

    /// <summary>Datagrams dropped because their link was cut (<see cref="CutLink"/>).</summary>
    public long DatagramsDroppedByCutLink { get; private set; }

    /// <summary>Frames dropped because an end was disconnected (crashed) or unknown, or the network was full.</summary>
    public long DatagramsDroppedDisconnected { get; private set; }

    /// <summary>Stream frames delivered.</summary>
    public long LargeFramesDelivered { get; private set; }

    /// <summary>Large answers dropped because their requester held no open stream to the answering node (it asked by datagram, or its stream closed).</summary>
    public long StreamAnswersDropped { get; private set; }

    /// <summary>A hash over every send decision and delivery (time, ends, length, bytes, outcome).</summary>
    public ulong TraceHash => _trace;

    /// <summary>Datagrams dropped because a paused host's receive buffer was full.</summary>
    public long DatagramsDroppedWhilePaused { get; private set; }

    /// <summary>Sees every send decision and delivery as it is traced (readable replay logs); null in normal runs.</summary>
    internal FrameObserver? Observer { get; set; }

    /// <summary>Frames in flight (pooled buffers not yet returned).</summary>
    internal int InFlight { get; private set; }

    /// <summary>Creates a transport at the next free address (10.x.y.z:7946).</summary>
    public SimulatedTransport CreateTransport()
    {
        int host = ++_nextHost;
        var address = WireAddress.FromBytes([10, (byte)(host >> 16), (byte)(host >> 8), (byte)host], 7946);
        return CreateTransport(address);
    }

    /// <summary>Creates a transport at <paramref name="address"/>, replacing any earlier one there (a restart).</summary>
    public SimulatedTransport CreateTransport(WireAddress address)
    {
        var transport = new SimulatedTransport(this, address);
        if (_transports.TryGetValue(address, out SimulatedTransport? old))
        {
            transport.Group = old.Group;
            old.Connected = false;
        }

        _transports[address] = transport;
        return transport;
    }

    /// <summary>Crashes an address: it receives nothing more (in-flight frames to it are dropped) and its sends are dropped.</summary>
    public void Disconnect(WireAddress address)
    {
        if (_transports.TryGetValue(address, out SimulatedTransport? transport))
        {
            transport.Connected = false;
            Resume(address); // a crash while paused drops what the host held
        }
    }

    /// <summary>Brings a disconnected address back.</summary>
    public void Reconnect(WireAddress address)
    {
        if (_transports.TryGetValue(address, out SimulatedTransport? transport))
        {
            transport.Connected = true;
        }
    }

    /// <summary>Puts an address in a partition group; frames between different groups are dropped. Group 0 is the default.</summary>
    public void SetPartition(WireAddress address, int group)
    {
        if (_transports.TryGetValue(address, out SimulatedTransport? transport))
        {
            transport.Group = group;
        }
    }

    /// <summary>
    /// Cuts the link between two addresses both ways while each still reaches everyone else: the case indirect probes
    /// exist for (a broken route or firewall rule between two nodes must not make them declare each other dead).
    /// </summary>
    public void CutLink(WireAddress a, WireAddress b)
    {
        _cutLinks.Add((a, b));
        _cutLinks.Add((b, a));
    }

    /// <summary>Restores every link cut by <see cref="CutLink"/>.</summary>
    public void RestoreLinks() => _cutLinks.Clear();

    /// <summary>
    /// Freezes an address's host the way a stop-the-world pause does: frames that reach it are held, as a socket's
    /// receive buffer holds them, up to <see cref="SimulatedNetworkOptions.PausedBufferFrames"/> datagrams (beyond
    /// that they are dropped, as the kernel drops them; stream frames are always held), and delivered in arrival
    /// order by <see cref="Resume"/>. The caller stops ticking the paused node.
    /// </summary>
    public void Pause(WireAddress address)
    {
        if (_transports.TryGetValue(address, out SimulatedTransport? transport))
        {
            transport.Paused = true;
        }
    }

    /// <summary>Ends a pause: every frame held for the address is delivered now, in arrival order.</summary>
    public void Resume(WireAddress address)
    {
        if (!_transports.TryGetValue(address, out SimulatedTransport? transport) || !transport.Paused)
        {
            return;
        }

        transport.Paused = false;
        while (transport.Held.TryDequeue(out Event held))
        {
            Run(held);
        }
    }

    /// <summary>Puts every address back in group 0.</summary>
    public void HealPartitions()
    {
        foreach (SimulatedTransport transport in _transports.Values)
        {
            transport.Group = 0;
        }
    }

    /// <summary>Runs the next event; false when nothing is queued.</summary>
    public bool RunNext()
    {
        if (!_queue.TryDequeue(out Event e, out EventKey key))
        {
            return false;
        }

        Clock.AdvanceTo(TimeSpan.FromTicks(key.Time));
        Run(e);
        return true;
    }

    /// <summary>Runs every event due at or before <paramref name="time"/>, then sets the clock to it.</summary>
    public void RunUntil(TimeSpan time)
    {
        while (_queue.TryPeek(out _, out EventKey key) && key.Time <= time.Ticks)
        {
            RunNext();
        }

        Clock.AdvanceTo(time);
    }

    /// <summary>Runs the network for <paramref name="duration"/> of virtual time.</summary>
    public void RunFor(TimeSpan duration) => RunUntil(Clock.Now + duration);

    internal bool Send(SimulatedTransport source, WireAddress destination, ReadOnlySpan<byte> frame, bool large)
    {
        ulong bytesHash = XxHash3.HashToUInt64(frame);
        if (!source.Connected)
        {
            DatagramsDroppedDisconnected++;
            Trace(source.LocalAddress, destination, frame, bytesHash, Outcome.SourceDown);
            return true; // a crashed host's sends vanish silently, like a real one's
        }

        if (large)
        {
            OpenStream(source, destination);
            source.Counters.OnStreamFrameSent(frame.Length);
            Enqueue(source.LocalAddress, destination, frame, large: true, Options.MaxDelay);
            Trace(source.LocalAddress, destination, frame, bytesHash, Outcome.Queued);
            return true;
        }

        DatagramsSent++;
        source.Counters.OnDatagramSent(frame.Length);
        if (Options.LossRate > 0 && _random.NextDouble() < Options.LossRate)
        {
            DatagramsLost++;
            Trace(source.LocalAddress, destination, frame, bytesHash, Outcome.Lost);
            return true;
        }

        Enqueue(source.LocalAddress, destination, frame, large: false, Delay());
        Trace(source.LocalAddress, destination, frame, bytesHash, Outcome.Queued);
        if (Options.DuplicateRate > 0 && _random.NextDouble() < Options.DuplicateRate)
        {
            DatagramsDuplicated++;
            Enqueue(source.LocalAddress, destination, frame, large: false, Delay());
            Trace(source.LocalAddress, destination, frame, bytesHash, Outcome.Duplicated);
        }

        return true;
    }

    /// <summary>An answer on the stream its requester opened to <paramref name="source"/>; dropped (counted, not traced) when there is none open.</summary>
    internal bool SendAnswer(SimulatedTransport source, WireAddress destination, ReadOnlySpan<byte> frame)
    {
        if (!source.Streams.TryGetValue(destination, out long openUntil) || openUntil < Clock.Now.Ticks)
        {
            StreamAnswersDropped++;
            source.Counters.OnSendDropped();
            return false;
        }

        return Send(source, destination, frame, large: true);
    }

    /// <summary>A stream frame from <paramref name="source"/> to <paramref name="peer"/>: opens the stream (a dial, counted) or keeps it open.</summary>
    private void OpenStream(SimulatedTransport source, WireAddress peer)
    {
        long now = Clock.Now.Ticks;
        if (!source.Streams.TryGetValue(peer, out long openUntil) || openUntil < now)
        {
            source.Counters.OnStreamDialed();
        }

        source.Streams[peer] = now + Options.StreamIdleTimeout.Ticks;
    }

    private TimeSpan Delay()
    {
        long min = Options.MinDelay.Ticks;
        long span = Options.MaxDelay.Ticks - min;
        return TimeSpan.FromTicks(min + (span <= 0 ? 0 : (long)(_random.NextDouble() * (span + 1))));
    }

    private void Enqueue(WireAddress source, WireAddress destination, ReadOnlySpan<byte> frame, bool large, TimeSpan delay)
    {
        if (InFlight >= Options.MaxInFlight)
        {
            DatagramsDroppedDisconnected++;
            return;
        }

        byte[] buffer = _buffers.Rent(frame.Length);
        frame.CopyTo(buffer);
        InFlight++;
        _queue.Enqueue(
            new Event { Source = source, Destination = destination, Buffer = buffer, Length = frame.Length, Large = large },
            new EventKey(Clock.Now.Ticks + delay.Ticks, _sequence++));
    }

    private void Run(in Event e)
    {
        byte[] buffer = e.Buffer!;
        bool held = false;
        try
        {
            held = Deliver(e, buffer);
        }
        finally
        {
            if (!held)
            {
                InFlight--;
                _buffers.Return(buffer);
            }
        }
    }

    /// <summary>Delivers, drops or (for a paused host) holds a frame; true when held, so its buffer stays in flight.</summary>
    private bool Deliver(in Event e, byte[] buffer)
    {
        Span<byte> frame = buffer.AsSpan(0, e.Length);
        ulong bytesHash = XxHash3.HashToUInt64(frame);
        if (!_transports.TryGetValue(e.Destination, out SimulatedTransport? target) || !target.Connected
            || !_transports.TryGetValue(e.Source, out SimulatedTransport? source))
        {
            DatagramsDroppedDisconnected++;
            Trace(e.Source, e.Destination, frame, bytesHash, Outcome.DestinationDown);
            return false;
        }

        if (source.Group != target.Group)
        {
            DatagramsDroppedByPartition++;
            Trace(e.Source, e.Destination, frame, bytesHash, Outcome.Partitioned);
            return false;
        }

        if (_cutLinks.Count > 0 && _cutLinks.Contains((e.Source, e.Destination)))
        {
            DatagramsDroppedByCutLink++;
            Trace(e.Source, e.Destination, frame, bytesHash, Outcome.LinkCut);
            return false;
        }

        if (target.Paused)
        {
            if (!e.Large && target.Held.Count >= Options.PausedBufferFrames)
            {
                DatagramsDroppedWhilePaused++;
                Trace(e.Source, e.Destination, frame, bytesHash, Outcome.DroppedWhilePaused);
                return false;
            }

            target.Held.Enqueue(e);
            Trace(e.Source, e.Destination, frame, bytesHash, Outcome.Held);
            return true;
        }

        Trace(e.Source, e.Destination, frame, bytesHash, Outcome.Delivered);
        if (e.Large)
        {
            LargeFramesDelivered++;
            target.Counters.OnStreamFrameReceived(e.Length);
            target.Streams[e.Source] = Clock.Now.Ticks + Options.StreamIdleTimeout.Ticks;
        }
        else
        {
            DatagramsDelivered++;
            target.Counters.OnDatagramReceived(e.Length);
        }

        target.Receiver?.OnFrame(e.Source, frame, e.Large);
        return false;
    }

    private void Trace(WireAddress source, WireAddress destination, ReadOnlySpan<byte> frame, ulong bytesHash, Outcome outcome)
    {
        Mix((ulong)Clock.Now.Ticks);
        Mix(StableHash(source));
        Mix(StableHash(destination));
        Mix((ulong)frame.Length << 8 | (byte)outcome);
        Mix(bytesHash);
        Observer?.Invoke(source, destination, frame, outcome);
    }

    /// <summary>The address's bytes and port (its <see cref="WireAddress.GetHashCode"/> is seeded per process, so a trace mixing it could not be pinned).</summary>
    private static ulong StableHash(WireAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        int length = address.CopyAddressBytes(bytes);
        return XxHash3.HashToUInt64(bytes[..length]) ^ ((ulong)address.Port << 48) ^ address.Family;
    }

    private void Mix(ulong value)
    {
        _trace = (_trace ^ value) * 0x100000001B3UL;
        _trace ^= _trace >> 29;
    }

    /// <summary>What became of a frame at one step of its way (the trace mixes it in).</summary>
    internal enum Outcome : byte
    {
        Queued = 1,
        Lost,
        Duplicated,
        Delivered,
        Partitioned,
        DestinationDown,
        SourceDown,
        LinkCut,
        Held,
        DroppedWhilePaused,
    }

    internal struct Event
    {
        public WireAddress Source;
        public WireAddress Destination;
        public byte[]? Buffer;
        public int Length;
        public bool Large;
    }

    /// <summary>A frame at one step of its way, with what became of it there.</summary>
    internal delegate void FrameObserver(WireAddress source, WireAddress destination, ReadOnlySpan<byte> frame, Outcome outcome);

    private readonly record struct EventKey(long Time, long Sequence);

    private sealed class EventKeyComparer : IComparer<EventKey>
    {
        public static readonly EventKeyComparer Instance = new();

        public int Compare(EventKey x, EventKey y) => x.Time != y.Time ? x.Time.CompareTo(y.Time) : x.Sequence.CompareTo(y.Sequence);
    }
}
