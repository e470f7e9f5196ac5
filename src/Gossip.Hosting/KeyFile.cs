using Gossip.Wire;

namespace Gossip.Hosting;

/// <summary>Loads an AES-GCM key ring from a key file: the key as hex text (32, 48 or 64 hex digits) or as 16, 24 or 32 raw bytes.</summary>
public static class KeyFile
{
    /// <summary>Reads the file and returns a ring whose primary key (id 1) is the key it holds.</summary>
    /// <exception cref="InvalidDataException">The file holds no key of a valid length.</exception>
    public static KeyRing Load(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        string text = System.Text.Encoding.ASCII.GetString(raw).Trim();
        byte[] key = text.Length is 32 or 48 or 64 && IsHex(text) ? Convert.FromHexString(text) : raw;
        if (key.Length is not (16 or 24 or 32))
        {
            throw new InvalidDataException($"Key file '{path}' must hold a 16, 24 or 32-byte key (raw or hex).");
        }

        return new KeyRing(1, key);
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
