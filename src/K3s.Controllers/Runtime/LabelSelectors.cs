using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>metav1.LabelSelector matching: every matchLabels pair and every matchExpressions requirement must hold.</summary>
public static class LabelSelectors
{
    public static bool Matches(V1LabelSelector? selector, IDictionary<string, string>? labels)
    {
        // A missing selector selects nothing (upstream's LabelSelectorAsSelector(nil) is Nothing()).
        if (selector is null)
            return false;
        labels ??= new Dictionary<string, string>();
        foreach (var (key, value) in selector.MatchLabels ?? new Dictionary<string, string>())
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
                return false;
        }
        foreach (var requirement in selector.MatchExpressions ?? [])
        {
            var present = labels.TryGetValue(requirement.Key, out var actual);
            var values = requirement.Values ?? [];
            var holds = requirement.OperatorProperty switch
            {
                "In" => present && values.Contains(actual!),
                "NotIn" => !present || !values.Contains(actual!),
                "Exists" => present,
                "DoesNotExist" => !present,
                _ => false,
            };
            if (!holds)
                return false;
        }
        return true;
    }

    /// <summary>Empty selectors would match every pod in the namespace; upstream controllers refuse them.</summary>
    public static bool IsEmpty(V1LabelSelector? selector) =>
        selector is null || ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0);
}
