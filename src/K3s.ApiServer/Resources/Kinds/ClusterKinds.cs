using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Strategies;
using K3s.ApiServer.Tables;

namespace K3s.ApiServer.Resources.Kinds;

/// <summary>
/// The smaller groups: coordination (leases), discovery (endpoint slices), events.k8s.io, RBAC (stored
/// now, enforced later) and apiextensions (custom resource definitions).
/// </summary>
public static class ClusterKinds
{
    public static IEnumerable<ResourceDefinition> All() =>
    [
        new ResourceDefinition("coordination.k8s.io", "v1", "Lease", "leases", true, [])
        {
            Columns = [TableColumn.FieldAt("Holder", "spec.holderIdentity", "The holder of the lease.", "")],
        },
        new ResourceDefinition("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, [])
        {
            Columns =
            [
                TableColumn.FieldAt("AddressType", "addressType", "The type of address carried by this EndpointSlice."),
                new("Ports", "The ports of the endpoints.", item => Cells.Join(JsonPaths.Objects(item, "ports").Select(p => Cells.Number(JsonPaths.GetLong(p, "port"))))),
                new("Endpoints", "The addresses of the endpoints.", item => Cells.FirstFew(JsonPaths.Objects(item, "endpoints")
                    .SelectMany(e => (e["addresses"] as JsonArray)?.Select(a => a?.ToString() ?? "") ?? []).ToList())),
            ],
        },
        new ResourceDefinition("events.k8s.io", "v1", "Event", "events", true, ["ev"])
        {
            StoragePrefix = "events",
            NameAndAge = false,
            Conversion = VersionConversion.Renaming("v1", "events.k8s.io/v1",
            [
                ("involvedObject", "regarding"), ("message", "note"), ("source", "deprecatedSource"), ("count", "deprecatedCount"),
                ("firstTimestamp", "deprecatedFirstTimestamp"), ("lastTimestamp", "deprecatedLastTimestamp"), ("reportingComponent", "reportingController"),
            ]),
            Columns =
            [
                new("Last Seen", "string", "Time since the event was last seen.",
                    (item, now) => Cells.Age(JsonPaths.GetString(item, "deprecatedLastTimestamp") ?? JsonPaths.GetString(item, "eventTime") ?? JsonPaths.GetString(item, "metadata.creationTimestamp"), now) ?? "<unknown>"),
                TableColumn.FieldAt("Type", "type", "The type of the event."),
                TableColumn.FieldAt("Reason", "reason", "Why the event happened."),
                new("Object", "The object the event is about.", item =>
                    $"{JsonPaths.GetString(item, "regarding.kind")?.ToLowerInvariant()}/{JsonPaths.GetString(item, "regarding.name")}"),
                TableColumn.FieldAt("Message", "note", "What happened."),
            ],
        },
        Rbac("Role", "roles", true) with { NameAndAge = false, Columns = [TableColumn.ObjectName, TableColumn.CreatedAt()] },
        Rbac("ClusterRole", "clusterroles", false) with { NameAndAge = false, Columns = [TableColumn.ObjectName, TableColumn.CreatedAt()] },
        Rbac("RoleBinding", "rolebindings", true) with { Columns = BindingColumns },
        Rbac("ClusterRoleBinding", "clusterrolebindings", false) with { Columns = BindingColumns },
        new ResourceDefinition("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, ["crd", "crds"],
            new CustomResourceDefinitionStrategy())
        {
            StoragePrefix = "apiextensions.k8s.io/customresourcedefinitions",
            HasStatus = true,
            TracksGeneration = true,
            NameAndAge = false,
            Columns = [TableColumn.ObjectName, TableColumn.CreatedAt()],
        },
    ];

    private static ResourceDefinition Rbac(string kind, string plural, bool namespaced) =>
        new("rbac.authorization.k8s.io", "v1", kind, plural, namespaced, [], RbacStrategy.Instance);

    private static readonly TableColumn[] BindingColumns =
    [
        new("Role", "The role the binding grants.", item => $"{JsonPaths.GetString(item, "roleRef.kind")}/{JsonPaths.GetString(item, "roleRef.name")}"),
        new("Users", "The users the binding grants the role to.", item => Subjects(item, "User"), 1),
        new("Groups", "The groups the binding grants the role to.", item => Subjects(item, "Group"), 1),
        new("ServiceAccounts", "The service accounts the binding grants the role to.", item => Subjects(item, "ServiceAccount"), 1),
    ];

    private static string Subjects(JsonObject binding, string kind) => Cells.Join(JsonPaths.Objects(binding, "subjects")
        .Where(s => JsonPaths.GetString(s, "kind") == kind)
        .Select(s => kind == "ServiceAccount" ? $"{JsonPaths.GetString(s, "namespace")}/{JsonPaths.GetString(s, "name")}" : JsonPaths.GetString(s, "name")));
}
