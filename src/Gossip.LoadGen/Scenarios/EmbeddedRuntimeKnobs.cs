namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// The runtime settings the <c>embedded</c> scenario gives its node processes: what docs/operations.md ("A node in a
/// service process") recommends to a service that embeds one node, each with its measured effect there. Each is passed
/// as the environment variable that mirrors its runtimeconfig knob, and only when this process's environment does not
/// set that variable already: <c>DOTNET_TieredCompilation=1 gossip-loadgen embedded</c> measures the nodes without
/// that one setting. LoadGen's own runtimeconfig (and so the in-process scenarios) is left as it is.
/// </summary>
internal static class EmbeddedRuntimeKnobs
{
    /// <summary>Environment variable, value, and the runtimeconfig knob (or MSBuild property) it stands for.</summary>
    public static readonly (string Variable, string Value, string Knob)[] All =
    [
        // No tiering: each method is compiled once, optimized; no background compilation thread that comes back every
        // time a rarely-run path (a probe, a suspicion) crosses its call-count threshold.
        ("DOTNET_TieredCompilation", "0", "System.Runtime.TieredCompilation=false"),

        // No ICU: culture data is not loaded (3 MB resident); the engine formats nothing culture-sensitive.
        ("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1", "System.Globalization.Invariant=true"),

        // No managed debugger: its two threads (".NET Debugger", ".NET DebugPipe") are not started. Unlike
        // DOTNET_EnableDiagnostics=0 it keeps the diagnostic port, so dotnet-counters and dotnet-trace still attach.
        // Environment only: the runtime reads no runtimeconfig knob for it.
        ("DOTNET_EnableDiagnostics_Debugger", "0", "(environment only)"),
    ];

    /// <summary>The variables to add to a node process's environment: every knob this process's environment does not set.</summary>
    public static List<KeyValuePair<string, string>> ForChildren()
    {
        var add = new List<KeyValuePair<string, string>>();
        foreach ((string variable, string value, _) in All)
        {
            if (Environment.GetEnvironmentVariable(variable) is null)
            {
                add.Add(new KeyValuePair<string, string>(variable, value));
            }
        }

        return add;
    }
}
