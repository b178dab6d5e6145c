using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.ReplicaSets;

/// <summary>A new pod of a replica set: its template's labels, annotations and spec, a generated name and the controller reference.</summary>
public static class PodTemplates
{
    public static V1Pod NewPod(V1ReplicaSet replicaSet)
    {
        var template = ModelCopies.DeepCopy(replicaSet.Spec.Template);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = $"{replicaSet.Metadata.Name}-",
                NamespaceProperty = replicaSet.Metadata.NamespaceProperty,
                Labels = template.Metadata?.Labels,
                Annotations = template.Metadata?.Annotations,
                Finalizers = template.Metadata?.Finalizers,
                OwnerReferences = [OwnerReferences.ControllerReference(replicaSet, "apps/v1", "ReplicaSet")],
            },
            Spec = template.Spec,
        };
    }
}
