using System.Globalization;
using System.Text.RegularExpressions;
using k8s.Models;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;

namespace K3s.Controllers.StatefulSets;

/// <summary>
/// A stateful set's pods and their stable identity, as upstream's stateful_set_utils: SET-ORDINAL as
/// name and hostname, the governing service as subdomain (so each pod gets SET-ORDINAL.SERVICE DNS), the
/// pod-name and pod-index labels, the revision label, and a volume per claim template bound to that
/// ordinal's claim.
/// </summary>
public static partial class StatefulPods
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    [GeneratedRegex("^(.*)-([0-9]+)$")]
    private static partial Regex NameAndOrdinal();

    public static string NameOf(V1StatefulSet set, int ordinal) => $"{set.Metadata.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The first ordinal (spec.ordinals.start, 0 by default).</summary>
    public static int StartOrdinal(V1StatefulSet set) => set.Spec.Ordinals?.Start ?? 0;

    /// <summary>The pod's ordinal if its name is SET-ORDINAL of this set; null for a pod that is no member.</summary>
    public static int? OrdinalOf(V1StatefulSet set, V1Pod pod)
    {
        var match = NameAndOrdinal().Match(pod.Metadata.Name ?? "");
        return match.Success && match.Groups[1].Value == set.Metadata.Name
            && int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            ? ordinal
            : null;
    }

    /// <summary>The name of the revision the pod was made from (controller-revision-hash carries it whole for stateful sets).</summary>
    public static string? RevisionOf(V1Pod pod) =>
        pod.Metadata.Labels?.TryGetValue(ControllerRevisions.HashLabel, out var revision) == true ? revision : null;

    public static V1Pod NewPod(V1StatefulSet set, V1PodTemplateSpec revisionTemplate, string revisionName, int ordinal)
    {
        var template = ModelCopies.DeepCopy(revisionTemplate);
        var name = NameOf(set, ordinal);
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [PodNameLabel] = name,
            [PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture),
            [ControllerRevisions.HashLabel] = revisionName,
        };
        var spec = template.Spec;
        spec.Hostname = name;
        if (!string.IsNullOrEmpty(set.Spec.ServiceName))
            spec.Subdomain = set.Spec.ServiceName;
        var claimVolumes = (set.Spec.VolumeClaimTemplates ?? [])
            .Select(claim => new V1Volume
            {
                Name = claim.Metadata.Name,
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = StatefulVolumeClaims.ClaimName(claim, set, ordinal) },
            })
            .ToList();
        var claimNames = claimVolumes.Select(volume => volume.Name).ToHashSet();
        spec.Volumes = [.. (spec.Volumes ?? []).Where(volume => !claimNames.Contains(volume.Name)), .. claimVolumes];
        if (spec.Volumes.Count == 0)
            spec.Volumes = null;
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = set.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = template.Metadata?.Annotations,
                Finalizers = template.Metadata?.Finalizers,
                OwnerReferences = [OwnerReferences.ControllerReference(set, "apps/v1", "StatefulSet")],
            },
            Spec = spec,
        };
    }

    /// <summary>Running and Ready for minReadySeconds: what OrderedReady waits for before the next ordinal, and a rolling update before the next pod.</summary>
    public static bool IsHealthy(V1StatefulSet set, V1Pod pod, DateTime now) =>
        pod.Status?.Phase == "Running" && pod.Metadata.DeletionTimestamp is null && PodStates.IsAvailable(pod, set.Spec.MinReadySeconds ?? 0, now);

    public static bool IsTerminating(V1Pod pod) => pod.Metadata.DeletionTimestamp is not null;

    public static bool IsFinished(V1Pod pod) => pod.Status?.Phase is "Succeeded" or "Failed";
}
