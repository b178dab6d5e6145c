using System.Collections.Concurrent;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>
/// The owner references each object had when last seen. An informer tells only the key of a deleted
/// object; this lets a controller still reach the owners that object had.
/// </summary>
public sealed class LastKnownOwners
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<V1OwnerReference>> owners = new();

    /// <summary>Records the object (null: gone) and returns its owners before and now, so both old and new owners hear of a change.</summary>
    public IReadOnlyList<V1OwnerReference> Update(string key, V1ObjectMeta? metadata)
    {
        var current = (IReadOnlyList<V1OwnerReference>?)metadata?.OwnerReferences?.ToList() ?? [];
        var before = metadata is null
            ? owners.TryRemove(key, out var removed) ? removed : []
            : owners.TryGetValue(key, out var previous) ? previous : [];
        if (metadata is not null)
            owners[key] = current;
        return before.Concat(current).DistinctBy(reference => reference.Uid).ToList();
    }
}
