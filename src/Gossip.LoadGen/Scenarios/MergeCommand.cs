using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Reporting;

namespace Gossip.LoadGen.Scenarios;

/// <summary><c>merge</c>: combines the JSON reports of the processes of one <c>part</c> run into the figures of the whole cluster.</summary>
internal static class MergeCommand
{
    /// <summary>0 when the merged report covers the whole cluster, 1 when it does not, 2 when the files are not part reports of one run.</summary>
    public static int Run(LoadGenArguments args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ClusterReport merged;
        try
        {
            var parts = new List<PartReport>();
            foreach (string path in args.Reports)
            {
                parts.Add(ClusterPrinter.ReadPart(path));
            }

            merged = ClusterMerge.Merge(parts);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return LoadGenApp.BadArguments;
        }

        ClusterPrinter.Print(merged, output);
        if (args.JsonPath is { } json)
        {
            TargetsPrinter.WriteJson(merged, json);
        }

        return merged.Complete ? 0 : 1;
    }
}
