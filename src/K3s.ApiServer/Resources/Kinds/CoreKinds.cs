using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Strategies;
using K3s.ApiServer.Tables;

namespace K3s.ApiServer.Resources.Kinds;

/// <summary>The core (v1) kinds, with the key layout, columns and subresources of the upstream server.</summary>
public static class CoreKinds
{
    private static ResourceDefinition Core(string kind, string plural, bool namespaced, params string[] shortNames) =>
        new("", "v1", kind, plural, namespaced, shortNames);

    /// <param name="defaultTolerations">What pods created without not-ready and unreachable tolerations get (upstream's defaults without it).</param>
    public static IEnumerable<ResourceDefinition> All(DefaultTolerationSeconds? defaultTolerations = null) =>
    [
        Core("Namespace", "namespaces", false, "ns") with
        {
            Strategy = new NamespaceStrategy(),
            HasStatus = true,
            FieldLabels = ["status.phase"],
            Columns = [TableColumn.FieldAt("Status", "status.phase", "The status of the namespace")],
        },
        Core("ConfigMap", "configmaps", true, "cm") with { Columns = [TableColumn.CountOf("Data", "data", "Number of data entries")] },
        Core("Secret", "secrets", true) with
        {
            Strategy = new SecretStrategy(),
            FieldLabels = ["type"],
            Columns = [TableColumn.FieldAt("Type", "type", "The type of the secret"), TableColumn.CountOf("Data", "data", "Number of data entries")],
        },
        Core("Node", "nodes", false, "no") with
        {
            StoragePrefix = "minions",
            Strategy = new NodeStrategy(),
            HasStatus = true,
            FieldLabels = ["spec.unschedulable"],
            Columns =
            [
                new("Status", "The status of the node", NodeStatus),
                new("Roles", "The roles of the node", NodeRoles),
                TableColumn.FieldAt("Version", "status.nodeInfo.kubeletVersion", "Kubelet Version reported by the node."),
                new("Internal-IP", "List of internal IPs for the node.", item => NodeAddress(item, "InternalIP"), 1),
                new("External-IP", "List of external IPs for the node.", item => NodeAddress(item, "ExternalIP"), 1),
                TableColumn.FieldAt("OS-Image", "status.nodeInfo.osImage", "OS image reported by the node.", "<unknown>", 1),
                TableColumn.FieldAt("Kernel-Version", "status.nodeInfo.kernelVersion", "Kernel version reported by the node.", "<unknown>", 1),
                TableColumn.FieldAt("Container-Runtime", "status.nodeInfo.containerRuntimeVersion", "Container runtime version reported by the node.", "<unknown>", 1),
            ],
        },
        Core("Pod", "pods", true, "po") with
        {
            Strategy = new PodStrategy(defaultTolerations),
            HasStatus = true,
            ReturnsDeletedObject = true,
            FieldLabels = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName"],
            Categories = ["all"],
            Columns =
            [
                new("Ready", "The aggregate readiness state of this pod for accepting traffic.", PodReady),
                new("Status", "The aggregate status of the containers in this pod.", PodStatus),
                new("Restarts", "integer", "The number of times the containers in this pod have been restarted.",
                    (item, _) => JsonPaths.Objects(item, "status.containerStatuses").Sum(c => JsonPaths.GetLong(c, "restartCount"))),
                TableColumn.FieldAt("IP", "status.podIP", "IP address allocated to the pod.", Cells.None, 1),
                TableColumn.FieldAt("Node", "spec.nodeName", "Name of the node where the pod runs.", Cells.None, 1),
                TableColumn.FieldAt("Nominated Node", "status.nominatedNodeName", "Name of the node nominated for preemption.", Cells.None, 1),
                new("Readiness Gates", "Readiness gates of the pod.", item => Cells.FirstFew(JsonPaths.Objects(item, "spec.readinessGates").Select(g => JsonPaths.GetString(g, "conditionType") ?? "").ToList()), 1),
            ],
        },
        Core("Service", "services", true, "svc") with
        {
            StoragePrefix = "services/specs",
            Strategy = new ServiceStrategy(),
            HasStatus = true,
            ReturnsDeletedObject = true,
            Categories = ["all"],
            Columns =
            [
                TableColumn.FieldAt("Type", "spec.type", "The type of the service."),
                TableColumn.FieldAt("Cluster-IP", "spec.clusterIP", "The IP address of the service.", Cells.None),
                new("External-IP", "The external IPs of the service.", ServiceExternalIps),
                new("Port(s)", "The ports of the service.", ServicePorts),
                new("Selector", "The label selector of the service.", item => Cells.Pairs(JsonPaths.Get(item, "spec.selector")), 1),
            ],
        },
        Core("Endpoints", "endpoints", true, "ep") with
        {
            StoragePrefix = "services/endpoints",
            Columns = [new("Endpoints", "Endpoints of the service.", EndpointAddresses)],
        },
        Core("ServiceAccount", "serviceaccounts", true, "sa") with
        {
            Columns = [new("Secrets", "integer", "The number of secrets of the service account.", (item, _) => (item["secrets"] as JsonArray)?.Count ?? 0)],
        },
        Core("Event", "events", true, "ev") with
        {
            FieldLabels =
            [
                "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion",
                "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
            ],
            NameAndAge = false,
            Columns =
            [
                new("Last Seen", "string", "Time since the event was last seen.",
                    (item, now) => Cells.Age(JsonPaths.GetString(item, "lastTimestamp") ?? JsonPaths.GetString(item, "eventTime") ?? JsonPaths.GetString(item, "metadata.creationTimestamp"), now) ?? "<unknown>"),
                TableColumn.FieldAt("Type", "type", "The type of the event."),
                TableColumn.FieldAt("Reason", "reason", "Why the event happened."),
                new("Object", "The object the event is about.", item =>
                    $"{JsonPaths.GetString(item, "involvedObject.kind")?.ToLowerInvariant()}/{JsonPaths.GetString(item, "involvedObject.name")}"),
                TableColumn.FieldAt("Message", "message", "What happened."),
            ],
        },
        Core("PersistentVolume", "persistentvolumes", false, "pv") with
        {
            HasStatus = true,
            Columns =
            [
                TableColumn.FieldAt("Capacity", "spec.capacity.storage", "The capacity of the volume."),
                new("Access Modes", "The access modes of the volume.", item => AccessModes(JsonPaths.Get(item, "spec.accessModes"))),
                TableColumn.FieldAt("Reclaim Policy", "spec.persistentVolumeReclaimPolicy", "What happens to the volume when it is released."),
                TableColumn.FieldAt("Status", "status.phase", "The phase of the volume."),
                new("Claim", "The claim bound to the volume.", item =>
                    JsonPaths.GetString(item, "spec.claimRef.name") is { } claim ? $"{JsonPaths.GetString(item, "spec.claimRef.namespace")}/{claim}" : ""),
                TableColumn.FieldAt("StorageClass", "spec.storageClassName", "The storage class of the volume."),
                TableColumn.FieldAt("VolumeAttributesClass", "spec.volumeAttributesClassName", "The volume attributes class of the volume.", "<unset>"),
                TableColumn.FieldAt("Reason", "status.reason", "Why the volume is in its phase."),
            ],
        },
        Core("PersistentVolumeClaim", "persistentvolumeclaims", true, "pvc") with
        {
            HasStatus = true,
            Columns =
            [
                TableColumn.FieldAt("Status", "status.phase", "The phase of the claim."),
                TableColumn.FieldAt("Volume", "spec.volumeName", "The volume bound to the claim."),
                TableColumn.FieldAt("Capacity", "status.capacity.storage", "The capacity of the bound volume."),
                new("Access Modes", "The access modes of the bound volume.", item => AccessModes(JsonPaths.Get(item, "status.accessModes"))),
                TableColumn.FieldAt("StorageClass", "spec.storageClassName", "The storage class of the claim."),
                TableColumn.FieldAt("VolumeAttributesClass", "spec.volumeAttributesClassName", "The volume attributes class of the claim.", "<unset>"),
            ],
        },
    ];

    private static string NodeStatus(JsonObject node)
    {
        var ready = JsonPaths.Objects(node, "status.conditions").FirstOrDefault(c => JsonPaths.GetString(c, "type") == "Ready");
        var status = ready is null ? "Unknown" : JsonPaths.GetString(ready, "status") == "True" ? "Ready" : "NotReady";
        return JsonPaths.Get(node, "spec.unschedulable") is JsonValue flag && flag.TryGetValue<bool>(out var off) && off ? status + ",SchedulingDisabled" : status;
    }

    private static string NodeRoles(JsonObject node)
    {
        const string prefix = "node-role.kubernetes.io/";
        var labels = JsonPaths.Get(node, "metadata.labels") as JsonObject;
        var roles = labels?.Where(l => l.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l.Key[prefix.Length..]).Order(StringComparer.Ordinal).ToList() ?? [];
        return roles.Count > 0 ? string.Join(",", roles) : Cells.None;
    }

    private static string NodeAddress(JsonObject node, string type) =>
        Cells.Join(JsonPaths.Objects(node, "status.addresses").Where(a => JsonPaths.GetString(a, "type") == type).Select(a => JsonPaths.GetString(a, "address")));

    private static string PodReady(JsonObject pod)
    {
        var total = JsonPaths.Objects(pod, "spec.containers").Count();
        var ready = JsonPaths.Objects(pod, "status.containerStatuses").Count(c => JsonPaths.Get(c, "ready") is JsonValue v && v.TryGetValue<bool>(out var r) && r);
        return $"{ready}/{total}";
    }

    /// <summary>The STATUS kubectl shows: Terminating, a waiting or terminated container's reason, the pod's reason, or its phase.</summary>
    private static string PodStatus(JsonObject pod)
    {
        if (JsonPaths.Get(pod, "metadata.deletionTimestamp") is not null)
            return "Terminating";
        var status = JsonPaths.GetString(pod, "status.reason") ?? JsonPaths.GetString(pod, "status.phase") ?? "Pending";
        foreach (var container in JsonPaths.Objects(pod, "status.containerStatuses"))
        {
            if (JsonPaths.GetString(container, "state.waiting.reason") is { Length: > 0 } waiting)
                return waiting;
            if (JsonPaths.GetString(container, "state.terminated.reason") is { Length: > 0 } terminated && status == "Running")
                return terminated;
        }
        return status;
    }

    private static string ServiceExternalIps(JsonObject service)
    {
        var ingress = JsonPaths.Objects(service, "status.loadBalancer.ingress").Select(i => JsonPaths.GetString(i, "ip") ?? JsonPaths.GetString(i, "hostname")).ToList();
        var external = (JsonPaths.Get(service, "spec.externalIPs") as JsonArray)?.Select(ip => ip?.ToString()).ToList() ?? [];
        return JsonPaths.GetString(service, "spec.type") switch
        {
            "LoadBalancer" => ingress.Count + external.Count > 0 ? Cells.Join(ingress.Concat(external)) : "<pending>",
            "ExternalName" => JsonPaths.GetString(service, "spec.externalName") ?? Cells.None,
            _ => Cells.Join(external),
        };
    }

    private static string ServicePorts(JsonObject service) => Cells.Join(JsonPaths.Objects(service, "spec.ports").Select(port =>
    {
        var nodePort = JsonPaths.GetLong(port, "nodePort");
        var protocol = JsonPaths.GetString(port, "protocol") ?? "TCP";
        var number = Cells.Number(JsonPaths.GetLong(port, "port"));
        return nodePort > 0 ? $"{number}:{nodePort}/{protocol}" : $"{number}/{protocol}";
    }));

    private static string EndpointAddresses(JsonObject endpoints)
    {
        var all = new List<string>();
        foreach (var subset in JsonPaths.Objects(endpoints, "subsets"))
        {
            var ports = JsonPaths.Objects(subset, "ports").Select(p => JsonPaths.GetLong(p, "port")).DefaultIfEmpty(0).ToList();
            foreach (var address in JsonPaths.Objects(subset, "addresses"))
                all.AddRange(ports.Select(port => port > 0 ? $"{JsonPaths.GetString(address, "ip")}:{port}" : JsonPaths.GetString(address, "ip") ?? ""));
        }
        return Cells.FirstFew(all);
    }

    private static string AccessModes(JsonNode? modes) => Cells.Join((modes as JsonArray)?.Select(mode => mode?.ToString() switch
    {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        var other => other,
    }) ?? []);
}
