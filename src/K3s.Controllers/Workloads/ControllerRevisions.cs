using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using K3s.Controllers.Deployments;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.Workloads;

/// <summary>
/// The history of a daemon set's or stateful set's pod template, as upstream keeps it: one apps/v1
/// ControllerRevision per template (OWNER-HASH, numbered in the order the templates were used), whose
/// data is a patch that puts the template back, so kubectl rollout history and undo read it as upstream's.
/// </summary>
public sealed class ControllerRevisions(Kubernetes client)
{
    /// <summary>The label on revisions and pods that names the template they come from.</summary>
    public const string HashLabel = "controller-revision-hash";

    /// <summary>
    /// The revisions the owner controls, oldest first. Orphans its selector matches are adopted (as
    /// upstream's ClaimControllerRevisions), so a set deleted with --cascade=orphan and made again takes
    /// its history back instead of colliding with it.
    /// </summary>
    public async Task<List<V1ControllerRevision>> OwnedAsync(IKubernetesObject<V1ObjectMeta> owner, string kind, V1LabelSelector selector,
        CancellationToken cancellationToken)
    {
        var list = await client.AppsV1.ListNamespacedControllerRevisionAsync(owner.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        var owned = new List<V1ControllerRevision>();
        foreach (var revision in list.Items)
        {
            if (OwnerReferences.IsControlledBy(revision.Metadata, owner.Metadata))
                owned.Add(revision);
            else if (OwnerReferences.ControllerOf(revision.Metadata) is null && owner.Metadata.DeletionTimestamp is null
                     && LabelSelectors.Matches(selector, revision.Metadata.Labels))
            {
                owned.Add(await client.AppsV1.PatchNamespacedControllerRevisionAsync(
                    OwnerReferencePatch.Adopt(revision.Metadata, OwnerReferences.ControllerReference(owner, "apps/v1", kind)),
                    revision.Metadata.Name, revision.Metadata.NamespaceProperty, cancellationToken: cancellationToken));
            }
        }
        return owned.OrderBy(revision => revision.Revision).ToList();
    }

    /// <summary>
    /// The revision of the owner's current template: the one already recorded (renumbered as the newest
    /// when an older template comes back, as after a rollback) or a new one numbered after the rest.
    /// </summary>
    public async Task<V1ControllerRevision> EnsureAsync(IKubernetesObject<V1ObjectMeta> owner, string kind, V1PodTemplateSpec template,
        List<V1ControllerRevision> owned, CancellationToken cancellationToken)
    {
        var hash = PodTemplateHash.Compute(template, null);
        var name = $"{owner.Metadata.Name}-{hash}";
        var newest = owned.Count == 0 ? 0 : owned.Max(revision => revision.Revision);
        var existing = owned.FirstOrDefault(revision => revision.Metadata.Name == name);
        if (existing is not null)
        {
            if (existing.Revision == newest)
                return existing;
            var renumbered = await client.AppsV1.PatchNamespacedControllerRevisionAsync(
                new V1Patch(new JsonObject { ["revision"] = newest + 1 }.ToJsonString(), V1Patch.PatchType.MergePatch),
                name, owner.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            owned[owned.IndexOf(existing)] = renumbered;
            return renumbered;
        }
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>()) { [HashLabel] = hash };
        var created = await client.AppsV1.CreateNamespacedControllerRevisionAsync(new V1ControllerRevision
        {
            ApiVersion = "apps/v1",
            Kind = "ControllerRevision",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = owner.Metadata.NamespaceProperty,
                Labels = labels,
                OwnerReferences = [OwnerReferences.ControllerReference(owner, "apps/v1", kind)],
            },
            Data = Patch(template),
            Revision = newest + 1,
        }, owner.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        owned.Add(created);
        return created;
    }

    /// <summary>The hash part of a revision's name (what daemon pods carry in their label).</summary>
    public static string HashOf(V1ControllerRevision revision) =>
        revision.Metadata.Labels?.TryGetValue(HashLabel, out var hash) == true ? hash : revision.Metadata.Name[(revision.Metadata.Name.LastIndexOf('-') + 1)..];

    /// <summary>The pod template a revision records.</summary>
    public static V1PodTemplateSpec TemplateOf(V1ControllerRevision revision)
    {
        var data = JsonNode.Parse(KubernetesJson.Serialize(revision.Data));
        return KubernetesJson.Deserialize<V1PodTemplateSpec>(data?["spec"]?["template"]?.ToJsonString() ?? "{}");
    }

    /// <summary>Deletes the oldest revisions beyond the limit; those still in use are kept whatever their age.</summary>
    public async Task TrimAsync(List<V1ControllerRevision> owned, IReadOnlySet<string> inUse, int limit, CancellationToken cancellationToken)
    {
        var unused = owned.Where(revision => !inUse.Contains(revision.Metadata.Name)).OrderBy(revision => revision.Revision).ToList();
        foreach (var revision in unused.Take(Math.Max(0, unused.Count - limit)))
        {
            try
            {
                await client.AppsV1.DeleteNamespacedControllerRevisionAsync(revision.Metadata.Name, revision.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (ApiErrors.IsNotFound(e))
            {
            }
            owned.Remove(revision);
        }
    }

    /// <summary>Upstream's revision data: a strategic merge patch that replaces the template whole.</summary>
    private static JsonObject Patch(V1PodTemplateSpec template)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(template)) as JsonObject ?? [];
        node["$patch"] = "replace";
        return new JsonObject { ["spec"] = new JsonObject { ["template"] = node } };
    }
}
