using System.Globalization;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>
/// Label selection as controllers and the scheduler use it: metav1.LabelSelectors, equality maps
/// (a Service's or a nodeSelector), and the single requirements both they and node affinity are made of.
/// </summary>
public static class LabelSelectors
{
    /// <summary>Every matchLabels pair and every matchExpressions requirement holds. A null selector matches nothing (upstream's Nothing()), an empty one everything.</summary>
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        if (selector is null)
            return false;
        labels ??= new Dictionary<string, string>();
        return MatchesMap(selector.MatchLabels ?? new Dictionary<string, string>(), labels)
            && (selector.MatchExpressions ?? []).All(requirement =>
                Holds(requirement.OperatorProperty, labels.TryGetValue(requirement.Key, out var actual) ? actual : null, requirement.Values));
    }

    /// <summary>Equality-based selection, as a Service's selector or a pod's nodeSelector: every pair is present.</summary>
    public static bool MatchesMap(IDictionary<string, string> selector, IDictionary<string, string>? labels) =>
        selector.All(pair => labels is not null && labels.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <summary>Empty selectors would match every pod in the namespace; upstream controllers refuse them.</summary>
    public static bool IsEmpty(V1LabelSelector? selector) =>
        selector is null || ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0);

    /// <summary>
    /// One requirement on a label that has <paramref name="actual"/> as its value (null: absent).
    /// Gt and Lt (node affinity only) compare integers and hold only for a label present with an integer value.
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
