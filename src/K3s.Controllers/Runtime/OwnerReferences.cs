using k8s;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>Controller references, as upstream's metav1 helpers: at most one owner of an object is its controller.</summary>
public static class OwnerReferences
{
    public static V1OwnerReference? ControllerOf(V1ObjectMeta metadata) =>
        metadata.OwnerReferences?.FirstOrDefault(reference => reference.Controller == true);

    public static bool IsControlledBy(V1ObjectMeta metadata, V1ObjectMeta owner) =>
        ControllerOf(metadata)?.Uid == owner.Uid;

    /// <summary>The reference a controller puts on what it creates or adopts: it blocks the owner's foreground deletion.</summary>
    public static V1OwnerReference ControllerReference(IKubernetesObject<V1ObjectMeta> owner, string apiVersion, string kind) => new()
    {
        ApiVersion = apiVersion,
        Kind = kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };
}
