using K3s.Service.Cli;

namespace K3s.Service.Tests;

/// <summary>One in-process run of <c>k3sps</c> with its own output and environment.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Runs the command line; <c>k3sps server</c> reports the settings that won instead of starting.</summary>
    public static CliRun Of(string[] args, params (string Name, string Value)[] environment)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exitCode = CliApp.Run(args, stdout, stderr, environment.ToDictionary(v => v.Name, v => v.Value), reportSettings: true);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The <c>  key: value</c> lines of the settings report (and of a not-yet-implemented subcommand).</summary>
    public IReadOnlyDictionary<string, string> Settings =>
        Stderr.Split('\n')
            .Where(line => line.StartsWith("  ", StringComparison.Ordinal))
            .Select(line => line.Trim().Split(':', 2))
            .ToDictionary(parts => parts[0], parts => parts[1].Trim());
}
