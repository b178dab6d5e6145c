using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace K3s.Core.Configuration;

/// <summary>
/// A k3s config file: a YAML mapping from flag long names (without dashes) to a scalar or a list
/// of scalars. Keys are kept whatever they are, because k3s shares one file between server and
/// agent and each subcommand picks out only its own flags.
/// </summary>
public sealed class ConfigFile
{
    private readonly IReadOnlyDictionary<string, ConfigValue> values;

    private ConfigFile(string path, IReadOnlyDictionary<string, ConfigValue> values)
    {
        Path = path;
        this.values = values;
    }

    public string Path { get; }

    /// <summary>Loads a file the user named; its absence is an error.</summary>
    /// <exception cref="ConfigFileException">The file is missing, unreadable or malformed.</exception>
    public static ConfigFile Load(string path) =>
        File.Exists(path)
            ? Parse(Read(path), path)
            : throw new ConfigFileException(path, null, "file not found");

    /// <summary>Loads a file at a default location, which need not exist.</summary>
    /// <exception cref="ConfigFileException">The file exists but is unreadable or malformed.</exception>
    public static ConfigFile LoadIfExists(string path) =>
        File.Exists(path) ? Parse(Read(path), path) : new ConfigFile(path, new Dictionary<string, ConfigValue>());

    /// <summary>Parses config text; <paramref name="path"/> only names the source in errors.</summary>
    /// <exception cref="ConfigFileException">The text is not YAML or not a mapping of flags.</exception>
    public static ConfigFile Parse(string yaml, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ConfigFileException(path, checked((int)e.Start.Line), $"invalid YAML: {e.Message}", e);
        }

        // Like k3s, only the first document counts; an empty file sets nothing.
        if (stream.Documents.Count == 0)
            return new ConfigFile(path, new Dictionary<string, ConfigValue>());
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode rootScalar && IsNull(rootScalar))
            return new ConfigFile(path, new Dictionary<string, ConfigValue>());
        if (root is not YamlMappingNode mapping)
            throw new ConfigFileException(path, LineOf(root), "expected a mapping of flag names to values");

        var values = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
                throw new ConfigFileException(path, LineOf(keyNode), "keys must be flag names");
            if (ToValue(path, key, LineOf(keyNode), valueNode) is { } value)
                values[key] = value;
        }
        return new ConfigFile(path, values);
    }

    public bool TryGetValue(string key, out ConfigValue value) => values.TryGetValue(key, out value!);

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigFileException(path, null, $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary>A null value (<c>token:</c> or <c>token: ~</c>) leaves the flag unset, so it yields no value.</summary>
    private static ConfigValue? ToValue(string path, string key, int line, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                return IsNull(scalar) ? null : new ConfigValue(path, key, line, [scalar.Value!], IsList: false);
            case YamlSequenceNode sequence:
                var items = new List<string>();
                foreach (var item in sequence.Children)
                {
                    if (item is not YamlScalarNode itemScalar || IsNull(itemScalar))
                        throw new ConfigFileException(path, LineOf(item), $"\"{key}\" list items must be plain values");
                    items.Add(itemScalar.Value!);
                }
                return new ConfigValue(path, key, line, items, IsList: true);
            default:
                throw new ConfigFileException(path, LineOf(node), $"\"{key}\" must be a value or a list of values");
        }
    }

    private static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static int LineOf(YamlNode node) => checked((int)node.Start.Line);
}
