using k8s.Models;
using K3s.Controllers.Runtime;
using K3s.Controllers.Workloads;

namespace K3s.Controllers.DaemonSets;

/// <summary>A daemon set's pod for one node: its template, the revision labels, the automatic tolerations and the node's affinity.</summary>
public static class DaemonPods
{
    /// <summary>The daemon set's generation when the pod was made (deprecated upstream, still set and read by older tools).</summary>
    public const string TemplateGenerationLabel = "pod-template-generation";

    public static V1Pod NewPod(V1DaemonSet daemonSet, string revisionHash, string nodeName)
    {
        var template = ModelCopies.DeepCopy(daemonSet.Spec.Template);
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [ControllerRevisions.HashLabel] = revisionHash,
            [TemplateGenerationLabel] = (daemonSet.Metadata.Generation ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var spec = template.Spec;
        spec.Tolerations = DaemonTolerations.AddTo(spec);
        spec.Affinity = DaemonNodeAffinity.For(spec.Affinity, nodeName);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = $"{daemonSet.Metadata.Name}-",
                NamespaceProperty = daemonSet.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = template.Metadata?.Annotations,
                Finalizers = template.Metadata?.Finalizers,
                OwnerReferences = [OwnerReferences.ControllerReference(daemonSet, "apps/v1", "DaemonSet")],
            },
            Spec = spec,
        };
    }

    public static string? RevisionHashOf(V1Pod pod) =>
        pod.Metadata.Labels?.TryGetValue(ControllerRevisions.HashLabel, out var hash) == true ? hash : null;
}
