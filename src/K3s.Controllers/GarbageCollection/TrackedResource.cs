using k8s;
using k8s.Models;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.GarbageCollection;

/// <summary>
/// A kind the garbage collector follows: where its objects live in the API and, from an informer, the
/// metadata of those it has seen, and a way to hear of their changes. The collector needs nothing else
/// of an object, so any kind fits.
/// </summary>
public sealed record TrackedResource(
    string ApiVersion, string Kind, string Plural, bool Namespaced,
    Func<string, V1ObjectMeta?> Find, Func<IEnumerable<V1ObjectMeta>> All, Action<Action<string>> Subscribe)
{
    public static TrackedResource From<T>(Informer<T> informer, string apiVersion, string kind, string plural, bool namespaced)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(apiVersion, kind, plural, namespaced,
            key => informer.TryGet(key, out var item) ? item.Metadata : null,
            () => informer.Items.Select(item => item.Metadata),
            informer.Subscribe);

    public string Group => GroupOf(ApiVersion);

    /// <summary>Owner references name a kind by group and kind; the version may be any the group serves.</summary>
    public bool IsKindOf(V1OwnerReference reference) => reference.Kind == Kind && GroupOf(reference.ApiVersion) == Group;

    public string KeyOf(string? @namespace, string name) => Namespaced ? $"{@namespace}/{name}" : name;

    public string ItemPath(string? @namespace, string name) =>
        $"{(ApiVersion.Contains('/') ? "/apis/" : "/api/")}{ApiVersion}"
        + (Namespaced ? $"/namespaces/{Uri.EscapeDataString(@namespace ?? "")}" : "")
        + $"/{Plural}/{Uri.EscapeDataString(name)}";

    private static string GroupOf(string? apiVersion) =>
        apiVersion is not null && apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
}
