namespace Gossip.Engine.Simulation;

/// <summary>Work scheduled on the simulated network's timeline (no closure, no allocation per schedule).</summary>
public interface ISimulationTask
{
    /// <summary>Runs at the scheduled virtual time with the argument given to <see cref="SimulatedNetwork.Schedule"/>.</summary>
    void Run(long argument);
}
