namespace Gossip.LoadGen.Chaos;

/// <summary>What a <see cref="ChaosFault"/> does to the simulated cluster.</summary>
internal enum FaultKind
{
    /// <summary>Datagram loss at <see cref="ChaosFault.Rate"/> for <see cref="ChaosFault.Rounds"/> rounds.</summary>
    LossBurst,

    /// <summary>Duplication at <see cref="ChaosFault.Rate"/> and delays up to <see cref="ChaosFault.Value"/> ms (reordering).</summary>
    Jitter,

    /// <summary>The cluster split into <see cref="ChaosFault.Value"/> groups (membership drawn from <see cref="ChaosFault.Node"/> as a seed).</summary>
    Partition,

    /// <summary>The link between <see cref="ChaosFault.Node"/> and <see cref="ChaosFault.Value"/> cut both ways, each still reaching everyone else.</summary>
    LinkCut,

    /// <summary>A crash; restarted after <see cref="ChaosFault.Rounds"/> rounds (0: in the same round, the same second), or never when negative.</summary>
    Crash,

    /// <summary>A stop-the-world pause of the node's process.</summary>
    Pause,

    /// <summary>The host's wall clock stepped by <see cref="ChaosFault.Value"/> seconds.</summary>
    ClockStep,

    /// <summary>A cluster key rotation done node by node over <see cref="ChaosFault.Rounds"/> rounds (add, switch, remove).</summary>
    KeyRotation,

    /// <summary>A new node joins through node <see cref="ChaosFault.Node"/>.</summary>
    Join,

    /// <summary>A graceful leave; the process exits a few rounds later.</summary>
    Leave,

    /// <summary>The node writes key <see cref="ChaosFault.Value"/> of its application state.</summary>
    Write,

    /// <summary>The node removes key <see cref="ChaosFault.Value"/> of its application state.</summary>
    Remove,
}
