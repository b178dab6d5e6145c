using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>
/// A JSON merge patch that sets an object's owner references, carrying the resourceVersion they were
/// read at: adoption and release must not overwrite a concurrent change (the server answers 409 and the controller retries).
/// </summary>
public static class OwnerReferencePatch
{
    public static V1Patch Set(V1ObjectMeta metadata, IReadOnlyCollection<V1OwnerReference> references)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["ownerReferences"] = references.Count == 0 ? null : JsonNode.Parse(KubernetesJson.Serialize(references)),
                ["resourceVersion"] = metadata.ResourceVersion,
            },
        };
        return new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
    }

    public static V1Patch Adopt(V1ObjectMeta metadata, V1OwnerReference controller) =>
        Set(metadata, [.. metadata.OwnerReferences ?? [], controller]);

    public static V1Patch Release(V1ObjectMeta metadata, string ownerUid) =>
        Set(metadata, (metadata.OwnerReferences ?? []).Where(reference => reference.Uid != ownerUid).ToList());
}
