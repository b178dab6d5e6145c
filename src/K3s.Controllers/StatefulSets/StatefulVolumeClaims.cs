using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.StatefulSets;

/// <summary>
/// The persistent volume claims of a stateful set's pods, one per claim template and ordinal, named
/// CLAIM-SET-ORDINAL. They are made before the pod that mounts them and, under the default retention
/// policy (Retain), outlive it: a pod that comes back at that ordinal finds its data again.
/// </summary>
public static class StatefulVolumeClaims
{
    public static string ClaimName(V1PersistentVolumeClaim template, V1StatefulSet set, int ordinal) =>
        $"{template.Metadata.Name}-{StatefulPods.NameOf(set, ordinal)}";

    /// <summary>The claims a pod at this ordinal mounts: its template's with the set's selector labels added.</summary>
    public static IEnumerable<V1PersistentVolumeClaim> For(V1StatefulSet set, int ordinal)
    {
        foreach (var template in set.Spec.VolumeClaimTemplates ?? [])
        {
            var claim = ModelCopies.DeepCopy(template);
            var labels = new Dictionary<string, string>(claim.Metadata.Labels ?? new Dictionary<string, string>());
            foreach (var (key, value) in set.Spec.Selector?.MatchLabels ?? new Dictionary<string, string>())
                labels[key] = value;
            claim.ApiVersion = "v1";
            claim.Kind = "PersistentVolumeClaim";
            claim.Metadata = new V1ObjectMeta
            {
                Name = ClaimName(template, set, ordinal),
                NamespaceProperty = set.Metadata.NamespaceProperty,
                Labels = labels,
                Annotations = claim.Metadata.Annotations,
            };
            claim.Status = null;
            yield return claim;
        }
    }

    /// <summary>Creates the claims of one ordinal that do not exist yet; returns the names of those created.</summary>
    public static async Task<List<string>> CreateMissingAsync(Kubernetes client, V1StatefulSet set, int ordinal, IReadOnlySet<string> existing, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        foreach (var claim in For(set, ordinal).Where(claim => !existing.Contains(claim.Metadata.Name)))
        {
            try
            {
                await client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, set.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
                created.Add(claim.Metadata.Name);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                // Made meanwhile (a previous pass whose list was read before it): it is there, which is all that counts.
            }
        }
        return created;
    }
}
