namespace Gossip.LoadGen.Reporting;

/// <summary>What the <c>hostile</c> scenario measured: every attack, what it cost the cluster, and the verdict.</summary>
internal sealed record HostileReport
{
    public required string CommandLine { get; init; }

    /// <summary>"aes-gcm" or "plaintext".</summary>
    public required string Security { get; init; }

    public required int Nodes { get; init; }

    public required string Date { get; init; }

    /// <summary>Forged Dead, Leave, Suspect and hijacking Join notices sent from a non-member socket.</summary>
    public required int ForgedNotices { get; init; }

    /// <summary>Copies of one captured frame replayed at one node.</summary>
    public required int Replays { get; init; }

    /// <summary>Answers the replays drew (bytes), against the bytes replayed.</summary>
    public required long ReplayAnswerBytes { get; init; }

    /// <summary>Fuzzed datagrams sent at one node.</summary>
    public required long FuzzedDatagrams { get; init; }

    /// <summary>Members the fuzzed node knew after the fuzzing beyond the cluster's own (junk members).</summary>
    public required int JunkMembers { get; init; }

    /// <summary>Hostile TCP connections opened (slow drip, giant length prefix, garbage at full frame size), reconnecting when cut.</summary>
    public required int StreamConnections { get; init; }

    /// <summary>Hostile TCP connections the node cut (or refused) during the stream attack.</summary>
    public required long StreamsCut { get; init; }

    /// <summary>Most bytes the attacked node held for inbound stream frames (announced and copied), against its bound.</summary>
    public required long PeakInboundStreamBytes { get; init; }

    public required long InboundStreamBound { get; init; }

    /// <summary>Frames sealed under a key the cluster had removed, and how many of them drew any answer.</summary>
    public required int RemovedKeyFrames { get; init; }

    public required long RemovedKeyAnswers { get; init; }

    /// <summary>Per probed message type: bytes sent from a non-member address, bytes answered, the ratio, TCP connections dialled back.</summary>
    public required IReadOnlyList<AmplificationRow> Amplification { get; init; }

    /// <summary>The worst answer/request byte ratio over every probed type (must be at most 1).</summary>
    public required double WorstAmplification { get; init; }

    /// <summary>Encrypted only: the same probes sealed by a key holder for another node and sent from a non-member address, as an outsider replaying frames captured on their way to that node could (a cross-receiver replay).</summary>
    public required IReadOnlyList<AmplificationRow> ReplayedAmplification { get; init; }

    /// <summary>The largest ratio of <see cref="ReplayedAmplification"/> (0 in plaintext runs); must be 0: such frames do not open.</summary>
    public required double WorstReplayedAmplification { get; init; }

    /// <summary>Encrypted runs: the same probes sealed by a key holder for any receiver (as a join's request to a seed is), sent from a non-member address.</summary>
    public required IReadOnlyList<AmplificationRow> AnyReceiverAmplification { get; init; }

    /// <summary>The largest ratio of <see cref="AnyReceiverAmplification"/> (0 in plaintext runs); at most 1 to pass.</summary>
    public required double WorstAnyReceiverAmplification { get; init; }

    /// <summary>Frames dropped by every node during the attacks, by reason (wire status).</summary>
    public required IReadOnlyDictionary<string, long> DropsByReason { get; init; }

    /// <summary>Answers withheld (they would have outgrown the request) and answers refused by the per-source rate limit, all nodes.</summary>
    public required long RepliesWithheld { get; init; }

    public required long RepliesRateLimited { get; init; }

    public required long PingReqsRefused { get; init; }

    /// <summary>Live members declared dead, or reported as departed, by any member during the attacks (must be 0).</summary>
    public required int FalseDeaths { get; init; }

    /// <summary>Every suspicion and death declared since the attacks began, with its time and the phase running then (none expected).</summary>
    public IReadOnlyList<string> Declarations { get; init; } = [];

    public required int FalseLeaves { get; init; }

    /// <summary>Failure-detection verdicts the nodes put off because frames they had received still waited unhandled.</summary>
    public long VerdictsDeferred { get; init; }

    /// <summary>The thread pool was kept busy for the whole attack (<c>--hold-pool</c>).</summary>
    public bool ThreadPoolHeld { get; init; }

    /// <summary>Members that did not see every other member alive at the end.</summary>
    public required int MembersNotAllAlive { get; init; }

    /// <summary>Managed heap after a full collection, before and after the attacks, and the process's peak working set.</summary>
    public required double HeapBeforeMiB { get; init; }

    public required double HeapAfterMiB { get; init; }

    public required double PeakWorkingSetMiB { get; init; }

    /// <summary>The documented bound of what one node holds above its steady state under attack, times the nodes.</summary>
    public required double MemoryBoundMiB { get; init; }

    public required double AttackSeconds { get; init; }

    /// <summary>True when no live member was declared dead or departed, every member saw every other alive, amplification was at most 1 and memory stayed within the bound.</summary>
    public required bool Passed { get; init; }
}

/// <summary>One probed message type of the <c>hostile</c> scenario.</summary>
internal sealed record AmplificationRow(string Type, int Requests, long RequestBytes, long AnswerBytes, double Ratio, int TcpDialBacks);
