using System.CommandLine;
using K3s.Core.Configuration;

namespace K3s.Service.Cli;

/// <summary>
/// Feeds each parsed option to <see cref="SettingResolver"/>: the option's long name is its config
/// key, its value counts only if it was typed, and its declared default is the last resort.
/// </summary>
internal sealed class SettingBinder(ParseResult parseResult, SettingResolver resolver, string configPath)
{
    /// <summary>A config file named with --config must exist; the default one may be absent.</summary>
    /// <exception cref="ConfigFileException">The config file is missing (when named), unreadable or malformed.</exception>
    public static SettingBinder Load(
        ParseResult parseResult, Option<string> configOption, IReadOnlyDictionary<string, string> environment)
    {
        var path = parseResult.GetRequiredValue(configOption);
        var configFile = WasTyped(parseResult, configOption) ? ConfigFile.Load(path) : ConfigFile.LoadIfExists(path);
        return new SettingBinder(parseResult, new SettingResolver(configFile, environment), configFile.Path);
    }

    /// <summary>The config file that was read (or would have been, at the default path).</summary>
    public string ConfigPath => configPath;

    /// <summary>Unset string flags are empty, as in k3s.</summary>
    public string String(Option<string> option, string? environmentVariable = null) =>
        resolver.String(KeyOf(option), TypedReference(option), DefaultOf(option) ?? "", environmentVariable);

    public IReadOnlyList<string> List(Option<string[]> option) =>
        resolver.List(KeyOf(option), TypedReference(option));

    public int Int32(Option<int> option) =>
        resolver.Int32(KeyOf(option), TypedValue(option), DefaultOf(option));

    public bool Boolean(Option<bool> option) =>
        resolver.Boolean(KeyOf(option), TypedValue(option));

    private static string KeyOf(Option option) => option.Name.TrimStart('-');

    private static T? DefaultOf<T>(Option<T> option) => option.HasDefaultValue ? (T?)option.GetDefaultValue() : default;

    private T? TypedReference<T>(Option<T> option) where T : class =>
        WasTyped(parseResult, option) ? parseResult.GetValue(option) : null;

    private T? TypedValue<T>(Option<T> option) where T : struct =>
        WasTyped(parseResult, option) ? parseResult.GetValue(option) : null;

    /// <summary>A default filled in by the parser is implicit; only a typed flag overrides the config file.</summary>
    private static bool WasTyped(ParseResult parseResult, Option option) =>
        parseResult.GetResult(option) is { Implicit: false };
}
