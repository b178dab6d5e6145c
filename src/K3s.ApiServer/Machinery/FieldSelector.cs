using System.Text.Json.Nodes;

namespace K3s.ApiServer.Machinery;

/// <summary>
/// A field selector: comma-separated <c>path=value</c>, <c>path==value</c> or <c>path!=value</c>
/// over the fields a kind makes selectable (every kind: metadata.name and metadata.namespace).
/// </summary>
public sealed class FieldSelector
{
    private sealed record Requirement(string Field, bool Equal, string Value);

    private readonly IReadOnlyList<Requirement> requirements;

    private FieldSelector(IReadOnlyList<Requirement> requirements) => this.requirements = requirements;

    public static readonly FieldSelector Everything = new([]);

    public static FieldSelector Parse(string? text, string kind, IReadOnlyCollection<string> selectableFields)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Everything;
        var requirements = new List<Requirement>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var (at, length, equal) = part.IndexOf("!=", StringComparison.Ordinal) is var ne and > 0 ? (ne, 2, false)
                : part.IndexOf("==", StringComparison.Ordinal) is var ee and > 0 ? (ee, 2, true)
                : part.IndexOf('=') is var e and > 0 ? (e, 1, true)
                : throw ApiException.BadRequest($"invalid field selector: \"{part}\": expected an operator");
            var field = part[..at].Trim();
            if (!selectableFields.Contains(field))
                throw ApiException.BadRequest($"field label not supported: {field}");
            requirements.Add(new Requirement(field, equal, part[(at + length)..].Trim()));
        }
        return new FieldSelector(requirements);
    }

    public bool Matches(JsonObject item) => requirements.All(requirement =>
    {
        JsonNode? node = item;
        foreach (var segment in requirement.Field.Split('.'))
            node = (node as JsonObject)?[segment];
        var value = node is JsonValue v ? v.ToString() : "";
        return (value == requirement.Value) == requirement.Equal;
    });
}
