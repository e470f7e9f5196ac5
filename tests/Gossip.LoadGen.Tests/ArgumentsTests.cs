using Gossip.Engine;
using Gossip.LoadGen.Cli;
using Gossip.LoadGen.Runner;

namespace Gossip.LoadGen.Tests;

public sealed class ArgumentsTests
{
    private static readonly string[] Commands = ["targets", "scale", "converge", "replicate", "faults", "chaos", "hostile", "embedded", "node", "part", "merge", "version", "help"];

    private static string[] Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public void Parse_AllCommonOptions()
    {
        LoadGenArguments? a = LoadGenCommandLine.Parse(
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
    [InlineData("targets", "--crashes", "0")]
    [InlineData("targets", "--fanout", "99")]
    [InlineData("targets", "--mode", "shout")]
    [InlineData("targets", "--transport", "carrier-pigeon")]
    [InlineData("targets", "--loss", "1.5")]
    [InlineData("targets", "--seeds", "nowhere")]
    [InlineData("targets", "--duration")]
    [InlineData("targets", "--bogus", "1")]
    [InlineData("chaos", "--seeds", "127.0.0.1:7946")]
    [InlineData("node", "--crashes", "3")]
    [InlineData("targets", "--interval", "0")]
    [InlineData("targets", "--interval", "fast")]
    [InlineData("targets", "--seed", "-1")]
    [InlineData("targets", "--seeds", "127.0.0.1:0")]
    [InlineData("node", "--bind", "localhost-ish")]
    [InlineData("node", "--advertise", "10.0.0.1")]
    [InlineData("node", "--node-id", "0")]
    public void Parse_BadArguments_GiveAClearError(params string[] args)
    {
        Assert.Null(LoadGenCommandLine.Parse(args, out string? error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    /// <summary>Every LoadGen command line the README and docs/ cite still parses (they are how figures were made).</summary>
    [Fact]
    public void EveryDocumentedCommandLine_StillParses()
    {
        string root = RepositoryRoot();
        var cited = new List<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Append(Path.Combine(root, "README.md")))
        {
            foreach (string line in File.ReadLines(file))
            {
                foreach (string marker in new[] { "Gossip.LoadGen -- ", "Gossip.LoadGen.dll ", "gossip-loadgen " })
                {
                    int at = line.IndexOf(marker, StringComparison.Ordinal);
                    if (at >= 0)
                    {
                        string rest = line[(at + marker.Length)..];
                        // A comment, the end of inline code, a table cell, a quote, a parenthesis, or the shell's & (a
                        // command run in the background beside the next one) ends the command line.
                        int end = rest.IndexOfAny(['#', '`', '|', '"', '(', '&']);
                        cited.Add((end < 0 ? rest : rest[..end]).Trim());
                    }
                }
            }
        }

        // Not a command line to run as it stands: placeholders ("<command>", "..."), response files and bare options.
        cited.RemoveAll(static c => c.Length == 0 || c.StartsWith('-') || c.Contains('<', StringComparison.Ordinal) || c.Contains('@', StringComparison.Ordinal) || c.Contains("...", StringComparison.Ordinal));
        Assert.True(cited.Count >= 10, $"only {cited.Count} command lines found");
        foreach (string commandLine in cited.Distinct())
        {
            string[] args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(LoadGenCommandLine.Parse(args, out string? error) is not null, $"'{commandLine}': {error}");
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gossip.Perf.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Gossip.Perf.sln not found above the test's folder.");
    }

    [Fact]
    public void Parse_Crashes_NullUnlessGiven_SoEachCommandKeepsItsDefault()
    {
        Assert.Equal(25, LoadGenCommandLine.Parse(["faults", "--crashes", "25"], out _)!.Crashes);
        Assert.Null(LoadGenCommandLine.Parse(["targets"], out _)!.Crashes);
        Assert.Equal(25, LoadGenCommandLine.Parse(["scale", "--crashes", "25"], out _)!.With(512, TimeSpan.FromMilliseconds(500)).Crashes);
    }

    [Fact]
    public void Parse_NodeOptions()
    {
        LoadGenArguments? a = LoadGenCommandLine.Parse(
            ["node", "--bind", "0.0.0.0:7946", "--advertise", "10.1.2.3:7946", "--seeds", "10.1.2.4:7946", "--key-file", "k.hex", "--interval", "500", "--fanout", "4", "--node-id", "1a2b"],
            out string? error);
        Assert.Null(error);
        Assert.NotNull(a);
        Assert.Equal(("node", "0.0.0.0:7946", "10.1.2.3:7946", "k.hex"), (a.Command, a.Bind, a.Advertise, a.KeyFile));
        Assert.Equal((TimeSpan.FromMilliseconds(500), 4, 0x1a2bUL), (a.Interval, a.Fanout, a.NodeId));
    }

    [Theory]
    [InlineData("pushpull", DisseminationMode.PushPull)]
    [InlineData("push-pull", DisseminationMode.PushPull)]
    [InlineData("PULL", DisseminationMode.Pull)]
    public void Parse_Modes(string text, DisseminationMode expected)
    {
        Assert.Equal(expected, LoadGenCommandLine.Parse(["converge", "--mode", text], out _)!.Mode);
    }

    [Fact]
    public void Parse_Defaults_AndTheCommandLineForTheReport()
    {
        LoadGenArguments a = LoadGenCommandLine.Parse(["targets", "--charts", "out"], out _)!;
        Assert.Equal((3, DisseminationMode.PushPull, "udp", 0.0, 1UL), (a.Fanout, a.Mode, a.Transport, a.Loss, a.Seed));
        Assert.Null(a.Nodes);
        Assert.Null(a.Duration);
        Assert.Equal("out", a.ChartsDirectory);
        Assert.EndsWith("-- targets --charts out", a.CommandLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Help_ListsEveryCommand_AndExits0(params string[] args)
    {
        var output = new StringWriter();
        Assert.Equal(0, LoadGenApp.Run(args, output, TextWriter.Null));
        string help = output.ToString();
        Assert.Contains("Usage:", help, StringComparison.Ordinal);
        foreach (string command in Commands)
        {
            Assert.Contains(command, help, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string[]> OptionsByCommand => new()
    {
        { "targets", ["--nodes", "--interval", "--fanout", "--mode", "--transport", "--duration", "--loss", "--seed", "--seeds", "--crashes", "--json", "--charts", "--quiet", "--plaintext"] },
        { "scale", ["--nodes", "--interval", "--transport", "--duration", "--crashes", "--json", "--charts", "--quiet"] },
        { "converge", ["--nodes", "--interval", "--fanout", "--transport", "--seed", "--json", "--charts"] },
        { "replicate", ["--nodes", "--transport", "--duration", "--seed", "--json", "--charts", "--quiet"] },
        { "faults", ["--nodes", "--interval", "--fanout", "--mode", "--loss", "--seed", "--crashes", "--json", "--charts"] },
        { "chaos", ["--seeds", "--seed", "--replay", "--schedule", "--log", "--shrink", "--mutation", "--json", "--quiet"] },
        { "node", ["--bind", "--advertise", "--seeds", "--key-file", "--plaintext", "--node-id", "--interval", "--fanout", "--mode"] },
        { "hostile", ["--nodes", "--interval", "--duration", "--fuzz", "--streams", "--plaintext", "--json", "--quiet"] },
        { "part", ["--part", "--parts", "--nodes", "--run-id", "--bind", "--advertise", "--seeds", "--key-file", "--plaintext", "--interval", "--duration", "--seed", "--rumors", "--crashes", "--crash-spacing", "--json"] },
        { "merge", ["reports", "--json"] },
        { "version", ["--help"] },
    };

    [Theory]
    [MemberData(nameof(OptionsByCommand))]
    public void EveryCommand_HasItsOwnHelp_ListingItsOptions(string command, string[] options)
    {
        foreach (string[] args in new[] { new[] { command, "--help" }, ["help", command] })
        {
            var output = new StringWriter();
            Assert.Equal(0, LoadGenApp.Run(args, output, TextWriter.Null));
            string help = output.ToString();
            Assert.Contains($"gossip-loadgen {command} {(command == "merge" ? "<reports>... " : "")}[options]", help, StringComparison.Ordinal);
            foreach (string option in options)
            {
                Assert.Contains(option, help, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("--nodes", "targets", "--nodes", "zero")]
    [InlineData("--fanout", "faults", "--fanout", "99")]
    [InlineData("--mode", "converge", "--mode", "shout")]
    [InlineData("--loss", "targets", "--loss", "1.5")]
    [InlineData("--duration", "scale", "--duration")]
    [InlineData("--bogus", "targets", "--bogus")]
    [InlineData("--node-id", "node", "--node-id", "0")]
    [InlineData("--seeds", "chaos", "--seeds", "0")]
    [InlineData("--mutation", "chaos", "--mutation", "no-such-rule")]
    [InlineData("explode", "explode")]
    public void BadOption_ExitsWith2_NamingTheOption(string named, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(2, LoadGenApp.Run(args, output, error));
        Assert.Contains($"'{named}'", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void Completion_SuggestsOptionNames_AndTheirValues()
    {
        var options = new StringWriter();
        Assert.Equal(0, LoadGenApp.Run(["[suggest:12]", "targets --mo"], options, TextWriter.Null));
        Assert.Equal(["--mode"], Lines(options));

        var values = new StringWriter();
        Assert.Equal(0, LoadGenApp.Run(["[suggest:17]", "targets --mode pu"], values, TextWriter.Null));
        Assert.Equal(["pull", "push", "pushpull"], Lines(values));

        var commands = new StringWriter();
        Assert.Equal(0, LoadGenApp.Run(["[suggest:2]", "ch"], commands, TextWriter.Null));
        Assert.Equal(["chaos"], Lines(commands));
    }

    [Fact]
    public void ResponseFile_SuppliesOptions()
    {
        string path = Path.GetTempFileName();
        File.WriteAllText(path, "--nodes 12\n--mode pull\n");
        try
        {
            LoadGenArguments a = LoadGenCommandLine.Parse(["targets", "@" + path], out string? error)!;
            Assert.Null(error);
            Assert.Equal((12, DisseminationMode.Pull), (a.Nodes, a.Mode));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Node_WithAnUnreadableKeyFile_ExitsWith2()
    {
        string path = Path.GetTempFileName();
        File.WriteAllText(path, "not a key");
        try
        {
            Assert.Equal(2, LoadGenApp.Run(["node", "--bind", "127.0.0.1:0", "--key-file", path], TextWriter.Null));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Node_WithoutKeyFileOrPlaintext_RefusesToStart_AndExitsWith2()
    {
        var error = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, LoadGenApp.Run(["node", "--bind", "127.0.0.1:0"], TextWriter.Null));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("--key-file", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--plaintext", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Targets_EncryptsByDefault_AndPlaintextIsAnExplicitChoice()
    {
        LoadGenArguments encrypted = LoadGenCommandLine.Parse(["targets"], out _)!;
        LoadGenArguments plain = LoadGenCommandLine.Parse(["targets", "--plaintext"], out _)!;
        LoadGenArguments memory = LoadGenCommandLine.Parse(["targets", "--transport", "memory"], out _)!;

        Assert.Equal("aes-gcm", ClusterFactory.SecurityOf(encrypted));
        Assert.Equal(32, encrypted.ClusterKey.Length);
        Assert.NotEqual(encrypted.ClusterKey, LoadGenCommandLine.Parse(["targets"], out _)!.ClusterKey); // a fresh key per run
        Assert.Equal("plaintext", ClusterFactory.SecurityOf(plain));
        Assert.Equal("plaintext", ClusterFactory.SecurityOf(memory)); // the simulation opts in to plaintext
    }

    [Fact]
    public void Version_RunsTheCodecSelfCheck()
    {
        var output = new StringWriter();
        Assert.Equal(0, LoadGenApp.Run(["version"], output));
        Assert.Contains("plain ok, AES-GCM ok", output.ToString(), StringComparison.Ordinal);
    }
}
