using K3s.Service.Cli;

namespace K3s.Service.Tests;

/// <summary>One in-process run of <c>k3sps</c> with its own output and environment.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static CliRun Of(string[] args, params (string Name, string Value)[] environment)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = CliApp.Run(args, stdout, stderr, environment.ToDictionary(v => v.Name, v => v.Value));
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The <c>  key: value</c> lines that a not-yet-implemented subcommand prints.</summary>
    public IReadOnlyDictionary<string, string> Settings =>
        Stderr.Split('\n')
            .Where(line => line.StartsWith("  ", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(':', 2))
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
}
