using Gossip.Wire;

namespace Gossip.Engine.FailureDetection;

/// <summary>
/// An open suspicion of one member: when it started, who independently confirmed it, and when it expires.
/// Each new confirmation shortens the timeout (Lifeguard); expiry declares the member dead.
/// </summary>
internal sealed class Suspicion
{
    private readonly NodeId[] _confirmers;

    public Suspicion(long startRound, int wantedConfirmations)
    {
        StartRound = startRound;
        _confirmers = new NodeId[Math.Max(1, wantedConfirmations)];
    }

    public long StartRound { get; }

    /// <summary>Independent nodes that reported the suspicion (capped at the wanted number).</summary>
    public int Confirmations { get; private set; }

    /// <summary>Round at which the member is declared dead unless it refutes.</summary>
    public long DeadlineRound { get; set; }

    /// <summary>Whether our last check of the suspect before the verdict (a ping that carries the suspicion) went out.</summary>
    public bool FinalPingSent { get; set; }

    /// <summary>Round we last told the suspect of this suspicion because a frame from it reached us.</summary>
    public long? ToldRound { get; set; }

    /// <summary>Records a reporter; true when it is new (and so shortens the timeout).</summary>
    public bool Confirm(NodeId reporter)
    {
        for (int i = 0; i < Confirmations; i++)
        {
            if (_confirmers[i] == reporter)
            {
                return false;
            }
        }

        if (Confirmations == _confirmers.Length)
        {
            return false;
        }

        _confirmers[Confirmations++] = reporter;
        return true;
    }
}
