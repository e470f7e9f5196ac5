using System.Globalization;

namespace Gossip.Engine.Membership;

/// <summary>
/// Picks this process's generation. Generations must only grow: a restarted node whose generation is not higher than
/// its old self's is taken for the old self, its news ignored. The clock alone gives that only when restarts are more
/// than a second apart and the clock never steps back; a generation file gives it always.
/// </summary>
internal static class GenerationStore
{
    /// <summary>The generation to run with (see <see cref="GossipOptions.Generation"/> and <see cref="GossipOptions.GenerationFile"/>).</summary>
    /// <exception cref="IOException">The generation file cannot be written.</exception>
    public static uint Choose(GossipOptions options, TimeProvider time)
    {
        if (options.Generation != 0)
        {
            return options.Generation;
        }

        uint fromClock = (uint)Math.Clamp(time.GetUtcNow().ToUnixTimeSeconds(), 1, uint.MaxValue - 1);
        if (options.GenerationFile is not { } path)
        {
            return fromClock;
        }

        uint stored = TryRead(path);
        uint generation = stored >= fromClock ? stored + 1 : fromClock;
        Write(path, generation);
        return generation;
    }

    /// <summary>
    /// The generation to go on with when a running node must start a new one (see <c>MembershipRules</c>): the Unix time
    /// in seconds, or one more than <paramref name="current"/> when that is not lower.
    /// </summary>
    public static uint Next(TimeProvider time, uint current)
    {
        uint fromClock = (uint)Math.Clamp(time.GetUtcNow().ToUnixTimeSeconds(), 1, uint.MaxValue - 1);
        return current >= fromClock ? current + 1 : fromClock;
    }

    /// <summary>
    /// Stores a generation started while running in the generation file, when the node has one, so that a restart goes
    /// on above it. Best effort: a node that cannot write it runs on, and its next restart may reuse the number.
    /// </summary>
    public static void TryStore(GossipOptions options, uint generation)
    {
        if (options.GenerationFile is not { } path || options.Generation != 0)
        {
            return;
        }

        try
        {
            Write(path, generation);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The stored generation; 0 when there is no file yet or it holds no number (a torn write is not possible, see <see cref="Write"/>).</summary>
    private static uint TryRead(string path)
    {
        try
        {
            return uint.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out uint stored) && stored < uint.MaxValue
                ? stored
                : 0;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
    }

    private static void Write(string path, uint generation)
    {
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, generation.ToString(CultureInfo.InvariantCulture));
        File.Move(temporary, path, overwrite: true);
    }
}
