using Gossip.Engine.Runtime;
using Microsoft.Extensions.Logging;

namespace Gossip.Engine;

/// <summary>What a node draws from its surroundings: clock, randomness, logging and how it is scheduled. Injected so simulations are deterministic.</summary>
public sealed class GossipNodeServices
{
    /// <summary>Clock for event timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Random source for peer selection and ids; null draws a random seed.</summary>
    public IRandomSource? Random { get; init; }

    /// <summary>Logger; null logs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// True when the caller serializes every call (frames, ticks, API) on one thread, as the simulation does: frames
    /// are handled inline with no mailbox. False (default): frames and API calls go through the node's lock-free
    /// mailbox and run on the thread pool, one at a time per node.
    /// </summary>
    public bool SingleThreaded { get; init; }

    /// <summary>Scheduler that ticks the node's rounds after <see cref="GossipNode.Start"/>; null uses <see cref="RoundScheduler.Shared"/>. Ignored when <see cref="SingleThreaded"/>.</summary>
    internal RoundScheduler? Scheduler { get; init; }

    /// <summary>Safety rules switched off on purpose (mutation tests of the chaos runner only).</summary>
    internal ProtocolMutation Mutations { get; init; }
}
