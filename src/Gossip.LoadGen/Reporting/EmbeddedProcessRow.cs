namespace Gossip.LoadGen.Reporting;

/// <summary>One node process of the <c>embedded</c> scenario: its start-up and its windows.</summary>
internal sealed record EmbeddedProcessRow
{
    /// <summary>0 for the seed, which was started first.</summary>
    public required int Index { get; init; }

    /// <summary>OS process id.</summary>
    public required int Pid { get; init; }

    /// <summary>The node's id (hex).</summary>
    public required string NodeId { get; init; }

    /// <summary>Milliseconds from process start to bound and listening.</summary>
    public required double ListeningMs { get; init; }

    /// <summary>Milliseconds from process start to the first other member seen (for the seed: the first node to join it).</summary>
    public required double JoinedMs { get; init; }

    /// <summary>Milliseconds from process start until every other process was seen.</summary>
    public required double AllMembersMs { get; init; }

    /// <summary>CPU milliseconds (/proc) from process start until the cluster formed: start-up cost.</summary>
    public required double StartupCpuMs { get; init; }

    /// <summary>Methods the JIT had compiled when the cluster had formed (what ReadyToRun code did not cover; 0 for a NativeAOT node; -1 for a node build that does not report it).</summary>
    public required long StartupJitMethods { get; init; }

    /// <summary>Milliseconds the JIT had spent compiling them, as the runtime counts it: wall time of the compiling threads, so on a loaded machine it includes waiting for a core (-1: not reported).</summary>
    public required double StartupJitMs { get; init; }

    /// <summary>The measured windows, first first.</summary>
    public required IReadOnlyList<EmbeddedWindow> Windows { get; init; }
}
