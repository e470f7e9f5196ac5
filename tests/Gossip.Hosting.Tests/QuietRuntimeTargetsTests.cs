using System.Diagnostics;
using System.Text.Json;

namespace Gossip.Hosting.Tests;

/// <summary>
/// The package's build targets (buildTransitive/Gossip.Hosting.targets): with <c>GossipQuietRuntime</c> they set the
/// runtime settings for a service embedding one node, without it nothing, and a project's own setting wins. Checked by
/// evaluating a throwaway project that imports them with <c>dotnet msbuild -getProperty</c> (nothing is built).
/// </summary>
public sealed class QuietRuntimeTargetsTests
{
    [Fact]
    public void OptedIn_SetsTieringOff_NoConcurrentGc_ReadyToRun_AndNoSpinning()
    {
        JsonElement result = Evaluate("<GossipQuietRuntime>true</GossipQuietRuntime>");
        JsonElement properties = result.GetProperty("Properties");
        Assert.Equal("false", properties.GetProperty("TieredCompilation").GetString());
        Assert.Equal("false", properties.GetProperty("ConcurrentGarbageCollection").GetString());
        Assert.Equal("true", properties.GetProperty("PublishReadyToRun").GetString());
        Assert.Contains(
            result.GetProperty("Items").GetProperty("RuntimeHostConfigurationOption").EnumerateArray(),
            i => i.GetProperty("Identity").GetString() == "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit" && i.GetProperty("Value").GetString() == "0");
    }

    [Fact]
    public void NotOptedIn_SetsNothing()
    {
        JsonElement result = Evaluate("");
        JsonElement properties = result.GetProperty("Properties");
        Assert.Equal("", properties.GetProperty("TieredCompilation").GetString());
        Assert.Equal("", properties.GetProperty("PublishReadyToRun").GetString());
        Assert.DoesNotContain(
            result.GetProperty("Items").GetProperty("RuntimeHostConfigurationOption").EnumerateArray(),
            i => i.GetProperty("Identity").GetString() == "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit");
    }

    [Fact]
    public void OptedIn_TheProjectsOwnSettingWins()
    {
        JsonElement properties = Evaluate("<GossipQuietRuntime>true</GossipQuietRuntime><TieredCompilation>true</TieredCompilation>").GetProperty("Properties");
        Assert.Equal("true", properties.GetProperty("TieredCompilation").GetString());
        Assert.Equal("false", properties.GetProperty("ConcurrentGarbageCollection").GetString());
    }

    private static JsonElement Evaluate(string properties)
    {
        string targets = Path.Combine(AppContext.BaseDirectory, "Gossip.Hosting.targets");
        string dir = Path.Combine(Path.GetTempPath(), "gossip-quiet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            // Imported at the end, as NuGet imports a package's targets: after the project's own properties.
            string project = Path.Combine(dir, "probe.csproj");
            File.WriteAllText(project, $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                    {properties}
                  </PropertyGroup>
                  <Import Project="{targets}" />
                </Project>
                """);
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
            foreach (string arg in new[]
            {
                "msbuild", project, "-getProperty:TieredCompilation", "-getProperty:ConcurrentGarbageCollection", "-getProperty:PublishReadyToRun",
                "-getItem:RuntimeHostConfigurationOption",
            })
            {
                info.ArgumentList.Add(arg);
            }

            using Process process = Process.Start(info)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(120_000), "dotnet msbuild did not finish");
            Assert.True(process.ExitCode == 0, output + error.Result);
            using JsonDocument json = JsonDocument.Parse(output);
            return json.RootElement.Clone();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
