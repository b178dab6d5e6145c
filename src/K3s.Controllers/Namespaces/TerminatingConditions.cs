using k8s.Models;

namespace K3s.Controllers.Namespaces;

/// <summary>The status conditions the upstream namespace controller reports while it empties a namespace.</summary>
public static class TerminatingConditions
{
    public static List<V1NamespaceCondition> For(ContentDeletion deletion, DateTime now)
    {
        var discovery = deletion.Discovery.Failures;
        var remaining = deletion.Remaining;
        return
        [
            Condition("NamespaceDeletionDiscoveryFailure", discovery.Count > 0,
                discovery.Count > 0 ? "DiscoveryFailed" : "ResourcesDiscovered",
                discovery.Count > 0 ? $"Discovery failed for some groups: {string.Join("; ", discovery)}" : "All resources successfully discovered", now),
            Condition("NamespaceDeletionContentFailure", deletion.Failures.Count > 0,
                deletion.Failures.Count > 0 ? "ContentDeletionFailed" : "ContentDeleted",
                deletion.Failures.Count > 0 ? $"Failed to delete all resource types: {string.Join("; ", deletion.Failures)}" : "All content successfully deleted, may be waiting on finalization", now),
            Condition("NamespaceContentRemaining", remaining.Count > 0,
                remaining.Count > 0 ? "SomeResourcesRemain" : "ContentRemoved",
                remaining.Count > 0
                    ? "Some resources are remaining: " + string.Join(", ", remaining.Select(r => $"{r.Key} has {r.Value} resource instances"))
                    : "All content successfully removed", now),
        ];
    }

    private static V1NamespaceCondition Condition(string type, bool isTrue, string reason, string message, DateTime now) =>
        new() { Type = type, Status = isTrue ? "True" : "False", LastTransitionTime = now, Reason = reason, Message = message };
}
