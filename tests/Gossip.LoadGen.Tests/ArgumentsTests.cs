using Gossip.Engine;
using Gossip.LoadGen.Cli;

namespace Gossip.LoadGen.Tests;

public sealed class ArgumentsTests
{
    [Fact]
    public void Parse_AllCommonOptions()
    {
        LoadGenArguments? a = LoadGenArguments.Parse(
            ["targets", "--nodes", "64", "--interval", "100", "--fanout", "2", "--mode", "push", "--transport", "memory", "--duration", "5", "--loss", "0.1", "--seed", "9", "--seeds", "127.0.0.1:7946,127.0.0.1:7947", "--json", "r.json", "--quiet"],
            out string? error);
        Assert.Null(error);
        Assert.NotNull(a);
        Assert.Equal("targets", a.Command);
        Assert.Equal(64, a.Nodes);
        Assert.Equal(TimeSpan.FromMilliseconds(100), a.Interval);
        Assert.Equal(2, a.Fanout);
        Assert.Equal(DisseminationMode.Push, a.Mode);
        Assert.Equal("memory", a.Transport);
        Assert.Equal(TimeSpan.FromSeconds(5), a.Duration);
        Assert.Equal(0.1, a.Loss);
        Assert.Equal(9UL, a.Seed);
        Assert.Equal(2, a.Seeds.Count);
        Assert.Equal("r.json", a.JsonPath);
        Assert.True(a.Quiet);
    }

    [Theory]
    [InlineData("explode")]
    [InlineData("targets", "--nodes", "0")]
    [InlineData("targets", "--nodes", "-3")]
    [InlineData("targets", "--fanout", "99")]
    [InlineData("targets", "--mode", "shout")]
    [InlineData("targets", "--transport", "carrier-pigeon")]
    [InlineData("targets", "--loss", "1.5")]
    [InlineData("targets", "--seeds", "nowhere")]
    [InlineData("targets", "--duration")]
    [InlineData("targets", "--bogus", "1")]
    public void Parse_BadArguments_GiveAClearError(params string[] args)
    {
        Assert.Null(LoadGenArguments.Parse(args, out string? error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void BadArguments_ExitWith2()
    {
        Assert.Equal(2, LoadGenApp.Run(["targets", "--nodes", "zero"], TextWriter.Null));
    }

    [Fact]
    public void Version_RunsTheCodecSelfCheck()
    {
        var output = new StringWriter();
        Assert.Equal(0, LoadGenApp.Run(["version"], output));
        Assert.Contains("plain ok, AES-GCM ok", output.ToString(), StringComparison.Ordinal);
    }
}
