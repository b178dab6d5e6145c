using System.Text.RegularExpressions;

namespace K3s.ApiServer.Schema;

/// <summary>
/// Upstream's OpenAPI definition names for KubernetesClient's model types: V1DeploymentSpec in group apps
/// is io.k8s.api.apps.v1.DeploymentSpec, V1ObjectMeta is io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.
/// A model's name carries its version (V1, V1beta1) or, where kinds collide, its package too (Corev1Event);
/// the group comes from the kinds that use the type.
/// </summary>
public static partial class DefinitionNames
{
    /// <summary>apimachinery's meta/v1 types, which every group uses.</summary>
    private static readonly HashSet<string> MetaTypes =
    [
        "APIGroup", "APIGroupList", "APIResource", "APIResourceList", "APIVersions", "Condition", "DeleteOptions",
        "FieldSelectorRequirement", "GroupVersionForDiscovery", "LabelSelector", "LabelSelectorRequirement", "ListMeta",
        "ManagedFieldsEntry", "ObjectMeta", "OwnerReference", "Preconditions", "ServerAddressByClientCIDR", "Status",
        "StatusCause", "StatusDetails", "WatchEvent",
    ];

    /// <summary>core/v1 types that only other groups' kinds use, so the walk from kinds would misplace them.</summary>
    private static readonly HashSet<string> CoreTypesUsedElsewhere = ["TopologySelectorTerm", "TopologySelectorLabelRequirement"];

    /// <summary>The type's name without its version, and its version: V1beta1CronJob → (CronJob, v1beta1).</summary>
    public static (string? Package, string Version, string Name)? Parse(string modelName)
    {
        if (Versioned().Match(modelName) is { Success: true } versioned)
            return (null, versioned.Groups[1].Value.ToLowerInvariant(), versioned.Groups[2].Value);
        if (Packaged().Match(modelName) is { Success: true } packaged)
            return (packaged.Groups[1].Value.ToLowerInvariant(), packaged.Groups[2].Value, packaged.Groups[3].Value);
        return null;
    }

    /// <summary>The definition name of a model type, given the API group whose kinds it belongs to.</summary>
    public static string? For(string modelName, string group)
    {
        if (Parse(modelName) is not var (package, version, name))
            return null;
        if (package is null && MetaTypes.Contains(name))
            return $"io.k8s.apimachinery.pkg.apis.meta.{version}.{name}";
        package ??= CoreTypesUsedElsewhere.Contains(name) ? "core" : PackageOf(group);
        return package switch
        {
            "apiextensions" => $"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.{version}.{name}",
            "apiregistration" => $"io.k8s.kube-aggregator.pkg.apis.apiregistration.{version}.{name}",
            _ => $"io.k8s.api.{package}.{version}.{name}",
        };
    }

    /// <summary>The Go package of a group: "" is core, rbac.authorization.k8s.io is rbac.</summary>
    public static string PackageOf(string group) => group switch
    {
        "" => "core",
        "internal.apiserver.k8s.io" => "apiserverinternal",
        _ => group.Split('.')[0],
    };

    /// <summary>A custom resource's definition name, as upstream forms it: stable.example.com/v1 CronTab → com.example.stable.v1.CronTab.</summary>
    public static string ForCustomResource(string group, string version, string kind) =>
        string.Join('.', group.Split('.').Reverse()) + $".{version}.{kind}";

    [GeneratedRegex("^(V[0-9]+(?:alpha[0-9]+|beta[0-9]+)?)([A-Z].*)$")]
    private static partial Regex Versioned();

    [GeneratedRegex("^([A-Z][a-z]+)(v[0-9]+(?:alpha[0-9]+|beta[0-9]+)?)([A-Z].*)$")]
    private static partial Regex Packaged();
}
