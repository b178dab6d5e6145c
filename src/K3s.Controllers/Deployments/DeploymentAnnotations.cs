using System.Globalization;
using k8s.Models;

namespace K3s.Controllers.Deployments;

/// <summary>The annotations the deployment controller keeps on deployments and their replica sets.</summary>
public static class DeploymentAnnotations
{
    public const string Revision = "deployment.kubernetes.io/revision";
    public const string DesiredReplicas = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicas = "deployment.kubernetes.io/max-replicas";

    /// <summary>Not copied from a deployment to its replica sets: they are the controller's own, or kubectl's record of the deployment.</summary>
    private static readonly HashSet<string> NotCopied =
    [
        Revision, DesiredReplicas, MaxReplicas,
        "deployment.kubernetes.io/revision-history",
        "deprecated.deployment.rollback.to",
        "kubectl.kubernetes.io/last-applied-configuration",
    ];

    public static long RevisionOf(V1ObjectMeta metadata) =>
        metadata.Annotations?.TryGetValue(Revision, out var text) == true && long.TryParse(text, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    public static Dictionary<string, string> CopiedFrom(V1Deployment deployment) =>
        (deployment.Metadata.Annotations ?? new Dictionary<string, string>())
            .Where(annotation => !NotCopied.Contains(annotation.Key))
            .ToDictionary(annotation => annotation.Key, annotation => annotation.Value);

    /// <summary>Sets an annotation; true if it changed.</summary>
    public static bool Set(V1ObjectMeta metadata, string key, string value)
    {
        metadata.Annotations ??= new Dictionary<string, string>();
        if (metadata.Annotations.TryGetValue(key, out var current) && current == value)
            return false;
        metadata.Annotations[key] = value;
        return true;
    }
}
