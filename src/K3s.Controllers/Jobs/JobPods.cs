using System.Globalization;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Jobs;

/// <summary>
/// A new pod of a Job: its template (whose labels the API server already gave the job-name and
/// controller-uid labels the selector matches), a generated name and the controller reference. A pod
/// of an Indexed Job also carries its completion index, as upstream: annotation, label,
/// JOB_COMPLETION_INDEX in every container, and the hostname &lt;job&gt;-&lt;index&gt;.
/// </summary>
public static class JobPods
{
    public const string CompletionIndexAnnotation = "batch.kubernetes.io/job-completion-index";
    public const string CompletionIndexVariable = "JOB_COMPLETION_INDEX";

    public static V1Pod NewPod(V1Job job, int? index)
    {
        var template = ModelCopies.DeepCopy(job.Spec.Template);
        var labels = template.Metadata?.Labels is { } templateLabels ? new Dictionary<string, string>(templateLabels) : [];
        var annotations = template.Metadata?.Annotations is { } templateAnnotations ? new Dictionary<string, string>(templateAnnotations) : [];
        var spec = template.Spec;
        var generateName = $"{job.Metadata.Name}-";
        if (index is { } i)
        {
            var text = i.ToString(CultureInfo.InvariantCulture);
            annotations[CompletionIndexAnnotation] = text;
            labels[CompletionIndexAnnotation] = text;
            generateName = $"{job.Metadata.Name}-{text}-";
            spec.Hostname ??= $"{job.Metadata.Name}-{text}";
            foreach (var container in (spec.Containers ?? []).Concat(spec.InitContainers ?? []))
                AddIndexVariable(container);
        }
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = generateName,
                NamespaceProperty = job.Metadata.NamespaceProperty,
                Labels = labels.Count > 0 ? labels : null,
                Annotations = annotations.Count > 0 ? annotations : null,
                Finalizers = template.Metadata?.Finalizers,
                OwnerReferences = [OwnerReferences.ControllerReference(job, "batch/v1", "Job")],
            },
            Spec = spec,
        };
    }

    /// <summary>The completion index a pod of an Indexed Job carries; null if it has none that is valid.</summary>
    public static int? IndexOf(V1Pod pod, int completions) =>
        pod.Metadata.Annotations?.TryGetValue(CompletionIndexAnnotation, out var text) == true
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < completions
            ? index
            : null;

    private static void AddIndexVariable(V1Container container)
    {
        if (container.Env?.Any(variable => variable.Name == CompletionIndexVariable) == true)
            return;
        container.Env = (container.Env ?? []).Append(new V1EnvVar
        {
            Name = CompletionIndexVariable,
            ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = $"metadata.annotations['{CompletionIndexAnnotation}']" } },
        }).ToList();
    }
}
