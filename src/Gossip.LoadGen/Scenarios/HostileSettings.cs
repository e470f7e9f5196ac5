using System.Security.Cryptography;

namespace Gossip.LoadGen.Scenarios;

/// <summary>What <see cref="HostileScenario.Execute"/> runs.</summary>
internal sealed record HostileSettings
{
    public string CommandLine { get; init; } = "";

    public int Nodes { get; init; } = 8;

    public bool Plaintext { get; init; }

    public byte[] ClusterKey { get; init; } = RandomNumberGenerator.GetBytes(32);

    public long FuzzedDatagrams { get; init; } = 1_000_000;

    public int StreamConnections { get; init; } = 200;

    public TimeSpan StreamSeconds { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Keeps the thread pool busy with a parallel loop of 50 ms work items for the whole attack: what an embedding
    /// service's own load does to nodes whose receive loops run on the pool. A node must not take its stalled input for
    /// silent members.
    /// </summary>
    public bool HoldThreadPool { get; init; }
}
