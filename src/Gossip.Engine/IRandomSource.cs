namespace Gossip.Engine;

/// <summary>The random source every protocol decision draws from; injected so simulations are reproducible from a seed.</summary>
public interface IRandomSource
{
    /// <summary>A uniformly distributed integer in [0, <paramref name="maxExclusive"/>).</summary>
    int Next(int maxExclusive);

    /// <summary>A uniformly distributed 64-bit value.</summary>
    ulong NextUInt64();

    /// <summary>A uniformly distributed double in [0, 1).</summary>
    double NextDouble();
}
