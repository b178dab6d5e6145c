using k8s;
using k8s.Models;

namespace K3s.Controllers.Runtime;

/// <summary>The work-queue key of an object: NAMESPACE/NAME, or NAME for a cluster-scoped one (as client-go).</summary>
public static class ObjectKey
{
    public static string Of(IMetadata<V1ObjectMeta> item) =>
        string.IsNullOrEmpty(item.Metadata.NamespaceProperty) ? item.Metadata.Name : $"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}";

    /// <summary>A namespaced object's key as its namespace and name.</summary>
    public static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/');
        return (key[..slash], key[(slash + 1)..]);
    }
}
