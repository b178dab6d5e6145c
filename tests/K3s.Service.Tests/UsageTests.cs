using System.Text.RegularExpressions;

namespace K3s.Service.Tests;

public sealed partial class UsageTests
{
    [Fact]
    public void Version_PrintsOneLineWithVersionAndRuntime()
    {
        var run = CliRun.Of(["--version"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(VersionLine(), run.Stdout);
        Assert.Contains($"(.NET {Environment.Version})", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Theory]
    [InlineData("server", "--bogus")]
    [InlineData("agent", "--tls-san", "x")]
    [InlineData("datastore", "--token", "x")]
    public void UnknownFlag_PrintsErrorAndUsageOnStderr_ExitsTwo(params string[] args)
    {
        var run = CliRun.Of(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains($"'{args[1]}'", run.Stderr);
        Assert.Contains($"Usage:\n  k3sps {args[0]} [options]", run.Stderr);
    }

    [Theory]
    [InlineData]
    [InlineData("serve")]
    [InlineData("server", "--https-listen-port", "https")]
    [InlineData("server", "--tls-san")]
    [InlineData("server", "--tls-san", "a", "b")]
    public void ParseError_ExitsTwoWithUsage(params string[] args)
    {
        var run = CliRun.Of(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Usage:", run.Stderr);
    }

    [Fact]
    public void Help_GoesToStdout_ShowsDefaultsAndEnvironmentVariables()
    {
        var run = CliRun.Of(["server", "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--https-listen-port", run.Stdout);
        Assert.Contains("[default: 10.42.0.0/16]", run.Stdout);
        Assert.Contains("[$K3S_KUBECONFIG_OUTPUT]", run.Stdout);
    }

    [GeneratedRegex(@"^k3sps version v0\.1\.0\S* \(\.NET \d+\.\d+\.\d+\)\r?\n$")]
    private static partial Regex VersionLine();
}
