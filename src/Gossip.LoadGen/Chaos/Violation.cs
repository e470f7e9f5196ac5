namespace Gossip.LoadGen.Chaos;

/// <summary>An invariant a chaos run broke: which one, at which round of the run, and what was seen.</summary>
internal readonly record struct Violation(string Invariant, int Round, string Detail)
{
    public const string Exception = "no exception escapes a node";
    public const string Converged = "after the quiet bound every live node sees every live node alive and the rest not alive";
    public const string StateAgrees = "after the quiet bound all application state agrees with the sequential model";
    public const string NoFalseDeathWhenHealthy = "no live, unpaused node is declared dead unless a severe fault happened within the settle window";
    public const string Bounded = "member tables hold only real nodes and stay within their limits";
    public const string ExactlyOnce = "no process delivers a broadcast twice";
    public const string DataAgrees = "after the quiet bound every live replica of the replicated map has the same root and agrees with the sequential last-writer-wins model";
    public const string NoDeletedKeyReturns = "no removed key of the replicated map returns";
    public const string BroadcastsDelivered = "after convergence every broadcast of a live origin reaches every live node (delivered or reported in a gap)";

    public override string ToString() => $"round {Round}: {Invariant}: {Detail}";
}
