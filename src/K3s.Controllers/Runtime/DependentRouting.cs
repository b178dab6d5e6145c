using k8s;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>
/// Which owners of one kind a dependent's change concerns (a pod's to its replica set, a replica set's to its
/// deployment), as upstream's controllers route them: the controllers it belonged to before and belongs to
/// now (remembered, since the informer tells only the key of a dependent that went) and, for an orphan when
/// the owners adopt by selector, those in its namespace whose selector matches it.
/// </summary>
/// <param name="adoptionSelector">The selector by which owners adopt orphans; null: they do not adopt.</param>
public sealed class DependentRouting<TDependent, TOwner>(
    Informer<TDependent> dependents, Informer<TOwner> owners, string ownerKind, Func<TOwner, V1LabelSelector?>? adoptionSelector = null)
    where TDependent : class, IKubernetesObject<V1ObjectMeta>
    where TOwner : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly LastKnownOwners lastKnownOwners = new();

    public IEnumerable<string> OwnersToQueue(string dependentKey)
    {
        dependents.TryGet(dependentKey, out var dependent);
        var @namespace = ObjectKey.Split(dependentKey).Namespace;
        var keys = lastKnownOwners.Update(dependentKey, dependent?.Metadata)
            .Where(owner => owner.Controller == true && owner.Kind == ownerKind)
            .Select(owner => $"{@namespace}/{owner.Name}")
            .ToList();
        if (dependent is null || adoptionSelector is null || OwnerReferences.ControllerOf(dependent.Metadata) is not null)
            return keys;
        keys.AddRange(owners.Items
            .Where(owner => owner.Metadata.NamespaceProperty == @namespace && LabelSelectors.Matches(adoptionSelector(owner), dependent.Metadata.Labels))
            .Select(ObjectKey.Of));
        return keys;
    }
}
