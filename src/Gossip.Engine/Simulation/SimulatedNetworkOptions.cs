namespace Gossip.Engine.Simulation;

/// <summary>Faults and delays of a <see cref="SimulatedNetwork"/>. Mutable while the simulation runs (e.g. raise loss mid-run).</summary>
public sealed class SimulatedNetworkOptions
{
    /// <summary>Probability that a datagram is lost. Default 0.</summary>
    public double LossRate { get; set; }

    /// <summary>Shortest one-way delay. Default 1 ms.</summary>
    public TimeSpan MinDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Longest one-way delay; delays are uniform between min and max, so datagrams reorder. Default 5 ms.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Probability that a datagram is delivered twice (the copy with its own delay). Default 0.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>Largest datagram. Default 1,400 bytes.</summary>
    public int MaxDatagramBytes { get; set; } = 1_400;

    /// <summary>Largest stream frame; stream frames model TCP: never lost or duplicated, in order per pair. Default 1 MiB.</summary>
    public int MaxLargeFrameBytes { get; set; } = 1 << 20;

    /// <summary>
    /// How long a simulated stream stays open after the last frame sent or delivered on it (the socket transport's
    /// inbound read deadline, <c>UdpTransportOptions.StreamReadTimeout</c>); an answer on a closed one is dropped. Default 5 s.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most frames in flight; beyond it sends are dropped and counted. Default 4,000,000.</summary>
    public int MaxInFlight { get; set; } = 4_000_000;

    /// <summary>Datagrams a paused host's receive buffer holds (see <see cref="SimulatedNetwork.Pause"/>); later ones are dropped. Default 512, about a default Linux UDP receive buffer of small datagrams.</summary>
    public int PausedBufferFrames { get; set; } = 512;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad option.</summary>
    public void Validate()
    {
        if (LossRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(LossRate));
        }

        if (DuplicateRate is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DuplicateRate));
        }

        if (MinDelay < TimeSpan.Zero || MaxDelay < MinDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay));
        }

        if (PausedBufferFrames < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(PausedBufferFrames));
        }

        if (MaxDatagramBytes < 64 || MaxLargeFrameBytes < 0 || MaxInFlight < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDatagramBytes));
        }
    }
}
