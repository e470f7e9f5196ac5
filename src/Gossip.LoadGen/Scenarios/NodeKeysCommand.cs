using System.Globalization;
using Gossip.Wire;

namespace Gossip.LoadGen.Scenarios;

/// <summary>
/// The <c>node</c> command's <c>keys</c> commands, serf's <c>keys</c> for one node: <c>list</c>, <c>install ID HEX</c> (a
/// key incoming frames may use), <c>use ID</c> (the key that seals from now on), <c>remove ID</c>. A cluster rotates by
/// running install on every node, then use on every node, then remove on every node. Each answers one line,
/// <c>keys ...</c> on success and <c>keys error: ...</c> otherwise.
/// </summary>
internal static class NodeKeysCommand
{
    public static string Run(KeyRing? ring, string command)
    {
        if (ring is null)
        {
            return "keys error: this node runs in plaintext (--plaintext) and has no key ring";
        }

        string[] parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        try
        {
            switch (parts.Length > 0 ? parts[0] : "list")
            {
                case "list":
                    break;
                case "install" when parts.Length == 3 && TryId(parts[1], out byte id) && parts[2].Length is 32 or 48 or 64 && IsHex(parts[2]):
                    ring.Add(id, Convert.FromHexString(parts[2]));
                    break;
                case "use" when parts.Length == 2 && TryId(parts[1], out byte id):
                    ring.UsePrimary(id);
                    break;
                case "remove" when parts.Length == 2 && TryId(parts[1], out byte id):
                    if (!ring.Contains(id))
                    {
                        return $"keys error: no key {id}";
                    }

                    ring.Remove(id);
                    break;
                default:
                    return "keys error: keys list | keys install ID HEX | keys use ID | keys remove ID (ID 1 to 255, a 16, 24 or 32-byte key as hex)";
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return $"keys error: {ex.Message}";
        }

        return string.Create(CultureInfo.InvariantCulture, $"keys primary {ring.PrimaryKeyId} ids {string.Join(',', ring.KeyIds)}");
    }

    private static bool TryId(string text, out byte id) =>
        byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id != 0;

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
