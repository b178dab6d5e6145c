using System.Globalization;

namespace K3s.Service.Cli;

/// <summary>The settings that won, one <c>  key: value</c> line each, under a heading line.</summary>
internal static class SettingsReport
{
    public static void Write(TextWriter writer, string heading, ISubcommandOptions options)
    {
        writer.WriteLine(heading);
        foreach (var (key, value) in options.Settings())
            writer.WriteLine($"  {key}: {Format(value)}".TrimEnd());
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
