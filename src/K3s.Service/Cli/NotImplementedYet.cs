using System.CommandLine;
using System.Globalization;

namespace K3s.Service.Cli;

/// <summary>
/// Stands in for a subcommand whose work is still to be written. It shows the settings that won,
/// one <c>  key: value</c> line each, so the option handling can be checked end to end meanwhile.
/// </summary>
internal static class NotImplementedYet
{
    public static int Report(ParseResult parseResult, ISubcommandOptions options)
    {
        var error = parseResult.InvocationConfiguration.Error;
        error.WriteLine($"k3sps {parseResult.CommandResult.Command.Name}: not implemented yet");
        foreach (var (key, value) in options.Settings())
            error.WriteLine($"  {key}: {Format(value)}".TrimEnd());
        return ExitCodes.Failure;
    }

    /// <summary>Lists are comma-separated and booleans lower case, as k3s writes them.</summary>
    private static string Format(object value) => value switch
    {
        bool flag => flag ? "true" : "false",
        IEnumerable<string> items => string.Join(",", items),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
