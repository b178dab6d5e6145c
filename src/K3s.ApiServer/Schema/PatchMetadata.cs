namespace K3s.ApiServer.Schema;

/// <summary>
/// How lists and structs merge, as upstream's Go struct tags say (patchStrategy, patchMergeKey,
/// +listType, +listMapKey) and its OpenAPI publishes as x-kubernetes-patch-strategy,
/// x-kubernetes-patch-merge-key, x-kubernetes-list-type and x-kubernetes-list-map-keys. KubernetesClient's
/// models do not carry these, so they are kept here, by definition and field.
/// </summary>
public static class PatchMetadata
{
    public sealed record Entry(string? Strategy, string? MergeKey, string? ListType = null, IReadOnlyList<string>? ListMapKeys = null);

    private const string Core = "io.k8s.api.core.v1.";
    private const string Apps = "io.k8s.api.apps.v1.";
    private const string Meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    private static Entry MergeMap(params string[] keys) => new("merge", keys[0], "map", keys);
    private static Entry Atomic => new(null, null, "atomic");

    /// <summary>Conditions keyed by type, as most statuses hold them.</summary>
    private static Entry Conditions => MergeMap("type");

    private static readonly Dictionary<(string Definition, string Field), Entry> Entries = Build();

    public static Entry? Find(string definition, string field) => Entries.GetValueOrDefault((definition, field));

    private static Dictionary<(string, string), Entry> Build()
    {
        var entries = new Dictionary<(string, string), Entry>
        {
            [(Meta + "ObjectMeta", "finalizers")] = new("merge", null, "set"),
            [(Meta + "ObjectMeta", "ownerReferences")] = MergeMap("uid"),
            [(Meta + "ObjectMeta", "managedFields")] = Atomic,

            [(Core + "PodSpec", "containers")] = MergeMap("name"),
            [(Core + "PodSpec", "initContainers")] = MergeMap("name"),
            [(Core + "PodSpec", "ephemeralContainers")] = MergeMap("name"),
            [(Core + "PodSpec", "volumes")] = new("merge,retainKeys", "name", "map", ["name"]),
            [(Core + "PodSpec", "imagePullSecrets")] = MergeMap("name"),
            [(Core + "PodSpec", "hostAliases")] = MergeMap("ip"),
            [(Core + "PodSpec", "topologySpreadConstraints")] = new("merge", "topologyKey", "map", ["topologyKey", "whenUnsatisfiable"]),
            [(Core + "PodSpec", "schedulingGates")] = MergeMap("name"),
            [(Core + "PodSpec", "resourceClaims")] = new("merge,retainKeys", "name", "map", ["name"]),
            [(Core + "PodSpec", "tolerations")] = Atomic,
            [(Core + "PodSpec", "readinessGates")] = Atomic,
            [(Core + "PodStatus", "conditions")] = Conditions,
            [(Core + "PodStatus", "podIPs")] = MergeMap("ip"),
            [(Core + "PodStatus", "hostIPs")] = new("merge", "ip", "atomic"),
            [(Core + "PodStatus", "resourceClaimStatuses")] = new("merge,retainKeys", "name", "map", ["name"]),

            [(Core + "NodeSpec", "podCIDRs")] = new("merge", null, "set"),
            [(Core + "NodeSpec", "taints")] = Atomic,
            [(Core + "NodeStatus", "conditions")] = Conditions,
            [(Core + "NodeStatus", "addresses")] = MergeMap("type"),
            [(Core + "NodeStatus", "images")] = Atomic,
            [(Core + "NodeStatus", "volumesInUse")] = Atomic,
            [(Core + "NodeStatus", "volumesAttached")] = Atomic,

            [(Core + "NamespaceStatus", "conditions")] = Conditions,
            [(Core + "ServiceSpec", "ports")] = new("merge", "port", "map", ["port", "protocol"]),
            [(Core + "ServiceSpec", "externalIPs")] = Atomic,
            [(Core + "ServiceSpec", "clusterIPs")] = Atomic,
            [(Core + "ServiceSpec", "ipFamilies")] = Atomic,
            [(Core + "ServiceSpec", "loadBalancerSourceRanges")] = Atomic,
            [(Core + "ServiceStatus", "conditions")] = Conditions,
            [(Core + "ServiceAccount", "secrets")] = MergeMap("name"),
            [(Core + "ServiceAccount", "imagePullSecrets")] = Atomic,
            [(Core + "PersistentVolumeClaimStatus", "conditions")] = Conditions,
            [(Core + "PersistentVolumeClaimSpec", "accessModes")] = Atomic,
            [(Core + "PersistentVolumeSpec", "accessModes")] = Atomic,
            [(Core + "Endpoints", "subsets")] = Atomic,

            [(Apps + "DeploymentSpec", "strategy")] = new("retainKeys", null),
            [(Apps + "DeploymentStatus", "conditions")] = Conditions,
            [(Apps + "ReplicaSetStatus", "conditions")] = Conditions,
            [(Apps + "StatefulSetStatus", "conditions")] = Conditions,
            [(Apps + "DaemonSetStatus", "conditions")] = Conditions,
            [(Apps + "StatefulSetSpec", "volumeClaimTemplates")] = Atomic,

            [("io.k8s.api.batch.v1.JobStatus", "conditions")] = new("merge", "type", "atomic"),
            [("io.k8s.api.batch.v1.CronJobStatus", "active")] = Atomic,
            [("io.k8s.api.discovery.v1.EndpointSlice", "endpoints")] = Atomic,
            [("io.k8s.api.discovery.v1.EndpointSlice", "ports")] = Atomic,
            [("io.k8s.api.rbac.v1.Role", "rules")] = Atomic,
            [("io.k8s.api.rbac.v1.ClusterRole", "rules")] = Atomic,
            [("io.k8s.api.rbac.v1.RoleBinding", "subjects")] = Atomic,
            [("io.k8s.api.rbac.v1.ClusterRoleBinding", "subjects")] = Atomic,
            [("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus", "conditions")] = new(null, null, "map", ["type"]),
        };
        // Ephemeral containers share the container's lists.
        foreach (var container in new[] { "Container", "EphemeralContainer" })
        {
            entries[(Core + container, "ports")] = new("merge", "containerPort", "map", ["containerPort", "protocol"]);
            entries[(Core + container, "env")] = MergeMap("name");
            entries[(Core + container, "volumeMounts")] = MergeMap("mountPath");
            entries[(Core + container, "volumeDevices")] = MergeMap("devicePath");
            entries[(Core + container, "envFrom")] = Atomic;
            entries[(Core + container, "command")] = Atomic;
            entries[(Core + container, "args")] = Atomic;
            entries[(Core + container, "resizePolicy")] = Atomic;
        }
        return entries;
    }
}
