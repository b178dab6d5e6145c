using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace K3s.Core.Serialization;

/// <summary>
/// YAML (request bodies, manifests) as JSON. Plain scalars take YAML 1.2's core types (null, booleans,
/// integers, floats); quoted ones stay strings.
/// </summary>
public static class YamlToJson
{
    /// <summary>The first document.</summary>
    /// <exception cref="FormatException">Malformed YAML, with upstream's wording.</exception>
    public static JsonNode? Convert(string yaml) => ConvertAll(yaml).FirstOrDefault();

    /// <summary>Every document of a stream (<c>---</c> separated).</summary>
    /// <exception cref="FormatException">Malformed YAML, with upstream's wording.</exception>
    public static IReadOnlyList<JsonNode?> ConvertAll(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // The parser's state errors on some malformed input: still the input's mistake.
            throw new FormatException($"error converting YAML to JSON: {e.Message}", e);
        }
        return stream.Documents.Select(document => Node(document.RootNode)).ToList();
    }

    private static JsonNode? Node(YamlNode node) => node switch
    {
        YamlMappingNode mapping => Mapping(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Node).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new FormatException("error converting YAML to JSON: aliases are not supported"),
    };

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? throw new FormatException("error converting YAML to JSON: a mapping key is not a string");
            result[name] = Node(value);
        }
        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
            return JsonValue.Create(text);
        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when LooksLikeFloat(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => JsonValue.Create(real),
            _ => JsonValue.Create(text),
        };
    }

    private static bool LooksLikeFloat(string text) =>
        text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.') && text.Any(char.IsDigit) && text.All(c => char.IsDigit(c) || c is '.' or 'e' or 'E' or '-' or '+');
}
