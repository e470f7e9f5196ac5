namespace Gossip.Engine;

/// <summary>
/// A node was configured without a cluster key and without <see cref="GossipOptions.AllowPlaintext"/>: nodes are
/// encrypted by default, and plain frames (which anyone who reaches the port can forge) must be chosen explicitly.
/// </summary>
public sealed class ClusterKeyRequiredException : InvalidOperationException
{
    /// <summary>The exception with its standard message, which says how to fix the configuration.</summary>
    public ClusterKeyRequiredException()
        : base("A gossip node needs a cluster key: set GossipOptions.Keys (a KeyRing; hosting: Gossip:KeyFile), or set GossipOptions.AllowPlaintext = true (hosting: Gossip:Node:AllowPlaintext) to send unauthenticated plain frames on a closed network.")
    {
    }

    /// <summary>The exception with a custom message.</summary>
    public ClusterKeyRequiredException(string message)
        : base(message)
    {
    }

    /// <summary>The exception with a custom message and an inner exception.</summary>
    public ClusterKeyRequiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
