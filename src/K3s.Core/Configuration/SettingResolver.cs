using System.Diagnostics.CodeAnalysis;

namespace K3s.Core.Configuration;

/// <summary>
/// Picks the effective value of each flag of one subcommand, in k3s's order: command line, then
/// config file, then environment variable, then default. The config file beats the environment
/// because k3s turns config keys into command-line arguments.
/// </summary>
/// <remarks>A command-line value of null means the flag was not given.</remarks>
public sealed class SettingResolver(ConfigFile configFile, IReadOnlyDictionary<string, string> environment)
{
    [return: NotNullIfNotNull(nameof(defaultValue))]
    public string? String(string key, string? commandLine, string? defaultValue = null, string? environmentVariable = null)
    {
        if (commandLine is not null)
            return commandLine;
        if (configFile.TryGetValue(key, out var value))
            return value.AsString();
        return FromEnvironment(environmentVariable) ?? defaultValue;
    }

    /// <summary>A repeatable flag: values on the command line replace the config file's, they do not add to them.</summary>
    public IReadOnlyList<string> List(string key, IReadOnlyList<string>? commandLine)
    {
        if (commandLine is not null)
            return commandLine;
        return configFile.TryGetValue(key, out var value) ? value.Items : [];
    }

    public int Int32(string key, int? commandLine, int defaultValue)
    {
        if (commandLine is { } given)
            return given;
        return configFile.TryGetValue(key, out var value) ? value.AsInt32() : defaultValue;
    }

    public bool Boolean(string key, bool? commandLine)
    {
        if (commandLine is { } given)
            return given;
        return configFile.TryGetValue(key, out var value) && value.AsBoolean();
    }

    /// <summary>An empty variable counts as unset, as with <c>K3S_TOKEN= k3sps server</c>.</summary>
    private string? FromEnvironment(string? variable) =>
        variable is not null && environment.TryGetValue(variable, out var text) && text.Length > 0 ? text : null;
}
