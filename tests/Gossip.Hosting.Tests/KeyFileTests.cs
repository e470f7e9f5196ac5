using Gossip.Wire;

namespace Gossip.Hosting.Tests;

/// <summary>The key file's two forms, its errors, and applying a changed file to a ring (rotation).</summary>
public sealed class KeyFileTests
{
    private static readonly string KeyA = new('a', 64);
    private static readonly string KeyB = new('b', 64);
    private static readonly string KeyC = new('c', 32);

    [Fact]
    public void Parse_OneHexKey_IsKeyIdOne()
    {
        List<(byte Id, byte[] Key)> keys = KeyFile.Parse(System.Text.Encoding.ASCII.GetBytes(KeyA + "\n"), "f");

        (byte id, byte[] key) = Assert.Single(keys);
        Assert.Equal(1, id);
        Assert.Equal(Convert.FromHexString(KeyA), key);
    }

    [Fact]
    public void Parse_RawBytes_IsKeyIdOne()
    {
        byte[] raw = [.. Enumerable.Range(0, 16).Select(i => (byte)(i * 17))];

        (byte id, byte[] key) = Assert.Single(KeyFile.Parse(raw, "f"));

        Assert.Equal(1, id);
        Assert.Equal(raw, key);
    }

    [Fact]
    public void Parse_RingLines_FirstIsPrimary_CommentsAndBlankLinesIgnored()
    {
        string text = $"# rotation in progress\n\n7 {KeyB}\n3 {KeyC}\n";

        List<(byte Id, byte[] Key)> keys = KeyFile.Parse(System.Text.Encoding.ASCII.GetBytes(text), "f");

        Assert.Equal([7, 3], keys.Select(k => k.Id));
        Assert.Equal(16, keys[1].Key.Length);
    }

    [Theory]
    [InlineData("0 " + "aa")]
    [InlineData("1 xyz")]
    [InlineData("256 00112233445566778899aabbccddeeff")]
    [InlineData("1 00112233445566778899aabbccddeeff\n1 00112233445566778899aabbccddeeff")]
    [InlineData("# only a comment, no key")]
    public void Parse_BadFile_ThrowsInvalidData_NamingTheFile(string text)
    {
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => KeyFile.Parse(System.Text.Encoding.ASCII.GetBytes(text), "cluster.key"));

        Assert.Contains("cluster.key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_TheThreeStepsOfARotation_AddThenSwitchThenRemove()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gossip-keyfile-{Guid.NewGuid():N}.key");
        try
        {
            File.WriteAllText(path, $"1 {KeyA}\n");
            using KeyRing ring = KeyFile.Load(path);
            Assert.Equal([1], ring.KeyIds);

            File.WriteAllText(path, $"1 {KeyA}\n2 {KeyB}\n");
            Assert.True(KeyFile.Apply(path, ring));
            Assert.Equal([1, 2], ring.KeyIds);
            Assert.Equal(1, ring.PrimaryKeyId);

            File.WriteAllText(path, $"2 {KeyB}\n1 {KeyA}\n");
            Assert.True(KeyFile.Apply(path, ring));
            Assert.Equal(2, ring.PrimaryKeyId);

            File.WriteAllText(path, $"2 {KeyB}\n");
            Assert.True(KeyFile.Apply(path, ring));
            Assert.Equal([2], ring.KeyIds);

            Assert.False(KeyFile.Apply(path, ring)); // the same file again changes nothing
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Apply_AFileThatDoesNotParse_LeavesTheRingAsItWas()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gossip-keyfile-{Guid.NewGuid():N}.key");
        try
        {
            File.WriteAllText(path, $"1 {KeyA}\n2 {KeyB}\n");
            using KeyRing ring = KeyFile.Load(path);

            File.WriteAllText(path, $"2 {KeyB}\nthree {KeyC}\n");

            Assert.Throws<InvalidDataException>(() => KeyFile.Apply(path, ring));
            Assert.Equal([1, 2], ring.KeyIds);
            Assert.Equal(1, ring.PrimaryKeyId);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
