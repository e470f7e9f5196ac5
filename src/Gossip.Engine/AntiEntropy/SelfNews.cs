namespace Gossip.Engine.AntiEntropy;

/// <summary>What a digest said about the node reading it, that the node must answer once its ACK is sent.</summary>
internal enum SelfNews
{
    /// <summary>Nothing to answer.</summary>
    None,

    /// <summary>The sender holds this node dead or departed in its current generation: refute.</summary>
    HeldDead,

    /// <summary>The sender holds this node's state at a version the node never wrote (a forged entry): start a new generation.</summary>
    HeldAhead,
}
