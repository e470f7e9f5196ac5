using Gossip.Engine.AntiEntropy;
using Gossip.Engine.Dissemination;
using Gossip.Engine.Runtime;
using Gossip.Wire;

namespace Gossip.Engine.Membership;

/// <summary>
/// Joining through seeds: a join notice queued for piggybacking and an anti-entropy exchange with each seed, repeated
/// every probe interval while this node knows no other live member.
/// </summary>
internal sealed class SeedJoiner
{
    private readonly NodeContext _node;
    private readonly MembershipState _members;
    private readonly Disseminator _spread;
    private readonly DigestExchange _exchange;
    private readonly List<WireAddress> _seeds = [];

    public SeedJoiner(NodeContext node, MembershipState members, Disseminator spread, DigestExchange exchange)
    {
        _node = node;
        _members = members;
        _spread = spread;
        _exchange = exchange;
    }

    /// <summary>Replaces the seeds and contacts them now.</summary>
    public void Join(List<WireAddress> seeds)
    {
        _seeds.Clear();
        _seeds.AddRange(seeds);
        SendJoin();
    }

    /// <summary>Contacts the seeds again when this node is still alone.</summary>
    public void Step(long round)
    {
        if (_seeds.Count > 0 && _members.Table.LiveCount <= 1 && round % _node.Options.ProbeEveryRounds == 0)
        {
            SendJoin();
        }
    }

    private void SendJoin()
    {
        Member self = _node.Self;
        _spread.Spread(new MembershipEvent(MembershipEventKind.Join, _node.Id, _node.Generation, self.Incarnation, _node.Id, _node.Address), urgent: false);
        foreach (WireAddress seed in _seeds)
        {
            if (seed != _node.Address)
            {
                _exchange.SendSyncRequest(seed);
            }
        }
    }
}
