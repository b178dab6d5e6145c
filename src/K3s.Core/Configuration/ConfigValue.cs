using System.Globalization;

namespace K3s.Core.Configuration;

/// <summary>
/// The value of one key of a config file, still as text: the flag it feeds decides its type, and
/// only the running subcommand knows that.
/// </summary>
/// <param name="FilePath">The file the value came from, for error messages.</param>
/// <param name="Key">The flag's long name without dashes.</param>
/// <param name="Line">1-based line of the key.</param>
/// <param name="Items">One item for a scalar, one per element for a list.</param>
/// <param name="IsList">Whether the YAML value was a list, even of one element.</param>
public sealed record ConfigValue(string FilePath, string Key, int Line, IReadOnlyList<string> Items, bool IsList)
{
    public string AsString()
    {
        if (IsList)
            throw Invalid("takes a single value, not a list");
        return Items[0];
    }

    public int AsInt32()
    {
        var text = AsString();
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Invalid($"expects an integer, got \"{text}\"");
    }

    public bool AsBoolean()
    {
        var text = AsString();
        return bool.TryParse(text, out var flag)
            ? flag
            : throw Invalid($"expects true or false, got \"{text}\"");
    }

    private ConfigFileException Invalid(string problem) => new(FilePath, Line, $"\"{Key}\" {problem}");
}
