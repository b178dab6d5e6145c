using System.Text.Json.Nodes;

namespace K3s.ApiServer.Machinery;

/// <summary>
/// A label selector as list requests send it: comma-separated requirements
/// <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>, <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c> and <c>!k</c>.
/// </summary>
public sealed class LabelSelector
{
    private enum Operator { Equals, NotEquals, In, NotIn, Exists, DoesNotExist }

    private sealed record Requirement(string Key, Operator Operator, IReadOnlyList<string> Values);

    private readonly IReadOnlyList<Requirement> requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => this.requirements = requirements;

    public static readonly LabelSelector Everything = new([]);

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Everything;
        var requirements = new List<Requirement>();
        foreach (var part in SplitOutsideParentheses(text))
            requirements.Add(ParseRequirement(part.Trim(), text));
        return new LabelSelector(requirements);
    }

    /// <summary>A metav1.LabelSelector object (matchLabels and matchExpressions), as workloads hold one.</summary>
    public static LabelSelector FromObject(JsonObject selector)
    {
        var requirements = new List<Requirement>();
        if (selector["matchLabels"] is JsonObject labels)
            requirements.AddRange(labels.Select(pair => new Requirement(pair.Key, Operator.Equals, [pair.Value?.ToString() ?? ""])));
        foreach (var expression in (selector["matchExpressions"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var values = (expression["values"] as JsonArray)?.Select(v => v?.ToString() ?? "").ToList() ?? [];
            var op = (string?)expression["operator"] switch
            {
                "In" => Operator.In,
                "NotIn" => Operator.NotIn,
                "Exists" => Operator.Exists,
                "DoesNotExist" => Operator.DoesNotExist,
                var other => throw ApiException.BadRequest($"\"{other}\" is not a valid label selector operator"),
            };
            requirements.Add(new Requirement((string?)expression["key"] ?? "", op, values));
        }
        return new LabelSelector(requirements);
    }

    public bool Matches(JsonObject item) => MatchesLabels((item["metadata"] as JsonObject)?["labels"] as JsonObject);

    /// <summary>Whether a set of labels (null: none) satisfies every requirement.</summary>
    public bool MatchesLabels(JsonObject? labels)
    {
        return requirements.All(requirement =>
        {
            var value = labels?[requirement.Key] is JsonValue v ? (string?)v : null;
            return requirement.Operator switch
            {
                Operator.Equals => value == requirement.Values[0],
                Operator.NotEquals => value != requirement.Values[0],
                Operator.In => value is not null && requirement.Values.Contains(value),
                Operator.NotIn => value is null || !requirement.Values.Contains(value),
                Operator.Exists => value is not null,
                _ => value is null,
            };
        });
    }

    private static Requirement ParseRequirement(string part, string whole)
    {
        if (part.Length == 0)
            throw Invalid(whole);
        if (part.StartsWith('!'))
            return new Requirement(Key(part[1..], whole), Operator.DoesNotExist, []);
        foreach (var (token, op) in new[] { ("!=", Operator.NotEquals), ("==", Operator.Equals), ("=", Operator.Equals) })
        {
            var at = part.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
                return new Requirement(Key(part[..at], whole), op, [part[(at + token.Length)..].Trim()]);
        }
        var words = part.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 1)
            return new Requirement(Key(words[0], whole), Operator.Exists, []);
        var rest = words[1];
        var (setOperator, setText) = rest.StartsWith("notin", StringComparison.Ordinal) ? (Operator.NotIn, rest[5..])
            : rest.StartsWith("in", StringComparison.Ordinal) ? (Operator.In, rest[2..])
            : throw Invalid(whole);
        setText = setText.Trim();
        if (!setText.StartsWith('(') || !setText.EndsWith(')'))
            throw Invalid(whole);
        var values = setText[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new Requirement(Key(words[0], whole), setOperator, values);
    }

    private static string Key(string key, string whole)
    {
        key = key.Trim();
        return key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/') ? key : throw Invalid(whole);
    }

    private static ApiException Invalid(string text) => ApiException.BadRequest($"unable to parse requirement: invalid label selector \"{text}\"");

    /// <summary>Splits at commas that are not inside a set's parentheses.</summary>
    private static IEnumerable<string> SplitOutsideParentheses(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
