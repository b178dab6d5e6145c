using System.Globalization;
using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>Label selectors (of pods) and node selector requirements (of node affinity), matched against labels.</summary>
public static class Selectors
{
    /// <summary>A LabelSelector: every matchLabels pair and every expression holds. A null selector matches nothing, an empty one everything.</summary>
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null)
            return false;
        labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
                return false;
        }
        return (selector.MatchExpressions ?? []).All(requirement =>
            Holds(requirement.OperatorProperty, labels.TryGetValue(requirement.Key, out var actual) ? actual : null, requirement.Values));
    }

    /// <summary>Equality-based selection, as a Service's or ReplicaSet's selector map: every pair is present.</summary>
    public static bool MatchesMap(IDictionary<string, string> selector, IDictionary<string, string>? labels) =>
        selector.All(pair => labels is not null && labels.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <summary>One term of required node affinity: its label and field requirements all hold; an empty term matches nothing.</summary>
    public static bool Matches(V1NodeSelectorTerm term, V1Node node)
    {
        var expressions = term.MatchExpressions ?? [];
        var fields = term.MatchFields ?? [];
        if (expressions.Count == 0 && fields.Count == 0)
            return false;
        var labels = node.Metadata.Labels ?? new Dictionary<string, string>();
        return expressions.All(requirement => Holds(requirement.OperatorProperty, labels.TryGetValue(requirement.Key, out var actual) ? actual : null, requirement.Values))
            && fields.All(requirement => requirement.Key == "metadata.name" && Holds(requirement.OperatorProperty, node.Metadata.Name, requirement.Values));
    }

    /// <summary>
    /// One requirement on a label that has <paramref name="actual"/> as its value (null: absent).
    /// Gt and Lt compare integers and hold only for a label present with an integer value.
    /// </summary>
    public static bool Holds(string @operator, string? actual, IList<string>? values)
    {
        values ??= [];
        return @operator switch
        {
            "In" => actual is not null && values.Contains(actual),
            "NotIn" => actual is null || !values.Contains(actual),
            "Exists" => actual is not null,
            "DoesNotExist" => actual is null,
            "Gt" => Compare(actual, values) is > 0,
            "Lt" => Compare(actual, values) is < 0,
            _ => false,
        };
    }

    private static int? Compare(string? actual, IList<string> values) =>
        values.Count == 1
        && long.TryParse(actual, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var left)
        && long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var right)
            ? left.CompareTo(right)
            : null;
}
