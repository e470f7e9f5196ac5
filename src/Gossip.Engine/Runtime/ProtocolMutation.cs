namespace Gossip.Engine.Runtime;

/// <summary>
/// Safety rules a test may switch off to prove that the chaos runner notices their absence (mutation testing of
/// the fault model). Never set outside tests: each one makes the node wrong on purpose.
/// </summary>
[Flags]
internal enum ProtocolMutation
{
    /// <summary>Every rule in force.</summary>
    None = 0,

    /// <summary>A node named in a suspicion or death notice about itself does not refute it.</summary>
    NoRefutation = 1,

    /// <summary>Members held dead or recently reaped are never contacted again, so a healed partition stays split.</summary>
    NoReconnection = 2,
}
