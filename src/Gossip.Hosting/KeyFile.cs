using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gossip.Wire;

namespace Gossip.Hosting;

/// <summary>
/// Loads an AES-GCM key ring from a key file, and applies a changed file to a running ring (key rotation). Two forms:
/// <list type="bullet">
/// <item>one key: the key as hex text (32, 48 or 64 hex digits) or as 16, 24 or 32 raw bytes; its id is 1;</item>
/// <item>a ring: one key per line as <c>ID HEX</c> (ID from 1 to 255, decimal), the first line the primary key, the
/// others keys that incoming frames may still (or already) use. Blank lines and lines starting with <c>#</c> are
/// ignored.</item>
/// </list>
/// Rotation through the file, on every node: add the new key as a second line; once every node holds it, move it to the
/// first line (it seals from then on); once every node seals with it, delete the old key's line.
/// </summary>
public static class KeyFile
{
    /// <summary>Reads the file and returns a ring holding its keys, the first listed as the primary.</summary>
    /// <exception cref="InvalidDataException">The file holds no key, a key of an invalid length, or a malformed line.</exception>
    public static KeyRing Load(string path)
    {
        List<(byte Id, byte[] Key)> keys = Read(path);
        var ring = new KeyRing(keys[0].Id, keys[0].Key);
        for (int i = 1; i < keys.Count; i++)
        {
            ring.Add(keys[i].Id, keys[i].Key);
        }

        Clear(keys);
        return ring;
    }

    /// <summary>
    /// Makes <paramref name="ring"/> hold exactly the keys of the file: adds the keys it lacks, makes the file's first key
    /// primary, removes the keys the file no longer lists. Keys already held are kept as they are (no frame key is derived
    /// again). Returns true when the ring changed. The file is read whole before the ring is touched, so a file that
    /// does not parse leaves the ring as it was.
    /// </summary>
    /// <exception cref="InvalidDataException">The file holds no key, a key of an invalid length, or a malformed line.</exception>
    public static bool Apply(string path, KeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        List<(byte Id, byte[] Key)> keys = Read(path);
        try
        {
            return Apply(keys, ring);
        }
        finally
        {
            Clear(keys);
        }
    }

    /// <summary>Applies parsed keys to a ring in the safe order: add, switch the primary, then remove.</summary>
    internal static bool Apply(List<(byte Id, byte[] Key)> keys, KeyRing ring)
    {
        IReadOnlyList<byte> before = ring.KeyIds;
        byte primaryBefore = ring.PrimaryKeyId;
        bool changed = false;
        foreach ((byte id, byte[] key) in keys)
        {
            bool held = ring.Contains(id);
            ring.Add(id, key);
            changed |= !held;
        }

        if (ring.PrimaryKeyId != keys[0].Id)
        {
            ring.UsePrimary(keys[0].Id);
            changed |= ring.PrimaryKeyId != primaryBefore;
        }

        foreach (byte id in before)
        {
            if (!keys.Exists(k => k.Id == id))
            {
                ring.Remove(id);
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Parses a key file into (id, key) pairs, the primary first.</summary>
    internal static List<(byte Id, byte[] Key)> Read(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        try
        {
            return Parse(raw, path);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Parses key file contents (see the class remarks); <paramref name="name"/> names the file in errors.</summary>
    internal static List<(byte Id, byte[] Key)> Parse(byte[] raw, string name)
    {
        string text = Encoding.ASCII.GetString(raw).Trim();
        if (text.Length is 32 or 48 or 64 && IsHex(text))
        {
            return [(1, Convert.FromHexString(text))];
        }

        var keys = new List<(byte Id, byte[] Key)>();
        string? error = TryParseRing(text, name, keys);
        if (error is null)
        {
            return keys;
        }

        Clear(keys);
        if (raw.Length is 16 or 24 or 32 && !IsPrintable(raw))
        {
            // Not text in either form: the key's raw bytes.
            return [(1, (byte[])raw.Clone())];
        }

        throw new InvalidDataException(error);
    }

    /// <summary>Reads lines of "ID HEX" into <paramref name="keys"/>; the error, or null.</summary>
    private static string? TryParseRing(string text, string name, List<(byte Id, byte[] Key)> keys)
    {
        int lineNumber = 0;
        foreach (string line in text.Split('\n'))
        {
            lineNumber++;
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            string[] parts = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2
                || !byte.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out byte id)
                || id == 0
                || parts[1].Length is not (32 or 48 or 64)
                || !IsHex(parts[1]))
            {
                return string.Create(CultureInfo.InvariantCulture, $"Key file '{name}', line {lineNumber}: expected 'ID HEX' (ID 1 to 255, a 16, 24 or 32-byte key as hex), or the file must hold one key alone (raw or hex).");
            }

            if (keys.Exists(k => k.Id == id))
            {
                return string.Create(CultureInfo.InvariantCulture, $"Key file '{name}', line {lineNumber}: key id {id} is listed twice.");
            }

            keys.Add((id, Convert.FromHexString(parts[1])));
        }

        return keys.Count == 0 ? $"Key file '{name}' must hold a 16, 24 or 32-byte key (raw or hex), or lines of 'ID HEX'." : null;
    }

    private static void Clear(List<(byte Id, byte[] Key)> keys)
    {
        foreach ((byte _, byte[] key) in keys)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>True for text: a key file of 16 to 32 printable bytes is a typo, not a raw key (random bytes are printable with odds below 1e-7).</summary>
    private static bool IsPrintable(byte[] raw)
    {
        foreach (byte b in raw)
        {
            if (b is not ((>= 0x20 and < 0x7f) or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return text.Length % 2 == 0;
    }
}
