namespace Gossip.LoadGen.Measurement;

/// <summary>Reads process CPU, allocation and GC counts; a seam so the window arithmetic is tested with fake numbers.</summary>
internal interface IProcessMeter
{
    /// <summary>Reads the current figures.</summary>
    ProcessSample Read();
}
