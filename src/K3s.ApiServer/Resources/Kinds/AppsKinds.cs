using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Strategies;
using K3s.ApiServer.Tables;

namespace K3s.ApiServer.Resources.Kinds;

/// <summary>apps/v1: the workload controllers' kinds, with /status and /scale as upstream serves them.</summary>
public static class AppsKinds
{
    private static ResourceDefinition Apps(string kind, string plural, string shortName, WorkloadStrategy strategy) =>
        new("apps", "v1", kind, plural, true, [shortName], strategy)
        {
            HasStatus = true,
            TracksGeneration = true,
            Categories = ["all"],
        };

    public static IEnumerable<ResourceDefinition> All() =>
    [
        Apps("Deployment", "deployments", "deploy", WorkloadStrategy.Deployment) with
        {
            Scale = new ScaleSubresource(),
            Columns =
            [
                new("Ready", "Number of the pod with ready state", item => $"{JsonPaths.GetLong(item, "status.readyReplicas")}/{JsonPaths.GetLong(item, "spec.replicas")}"),
                TableColumn.NumberAt("Up-to-date", "status.updatedReplicas", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                TableColumn.NumberAt("Available", "status.availableReplicas", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
                .. Cells.TemplateContainers("spec.template.spec"),
                Cells.SelectorColumn(),
            ],
        },
        Apps("ReplicaSet", "replicasets", "rs", WorkloadStrategy.ReplicaSet) with
        {
            Scale = new ScaleSubresource(),
            Columns =
            [
                TableColumn.NumberAt("Desired", "spec.replicas", "Number of desired pods."),
                TableColumn.NumberAt("Current", "status.replicas", "Number of actual replicas."),
                TableColumn.NumberAt("Ready", "status.readyReplicas", "The number of ready replicas for this replica set."),
                .. Cells.TemplateContainers("spec.template.spec"),
                Cells.SelectorColumn(),
            ],
        },
        Apps("StatefulSet", "statefulsets", "sts", WorkloadStrategy.StatefulSet) with
        {
            Scale = new ScaleSubresource(),
            Columns =
            [
                new("Ready", "Number of the pod with ready state", item => $"{JsonPaths.GetLong(item, "status.readyReplicas")}/{JsonPaths.GetLong(item, "spec.replicas")}"),
                .. Cells.TemplateContainers("spec.template.spec"),
            ],
        },
        Apps("DaemonSet", "daemonsets", "ds", WorkloadStrategy.DaemonSet) with
        {
            Columns =
            [
                TableColumn.NumberAt("Desired", "status.desiredNumberScheduled", "The total number of nodes that should be running the daemon pod."),
                TableColumn.NumberAt("Current", "status.currentNumberScheduled", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
                TableColumn.NumberAt("Ready", "status.numberReady", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
                TableColumn.NumberAt("Up-to-date", "status.updatedNumberScheduled", "The total number of nodes that are running updated daemon pod."),
                TableColumn.NumberAt("Available", "status.numberAvailable", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."),
                new("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node.", item => Cells.Pairs(JsonPaths.Get(item, "spec.template.spec.nodeSelector"))),
                .. Cells.TemplateContainers("spec.template.spec"),
                Cells.SelectorColumn(),
            ],
        },
        new ResourceDefinition("apps", "v1", "ControllerRevision", "controllerrevisions", true, [])
        {
            Columns =
            [
                new("Controller", "Controller of the object.", item => JsonPaths.Objects(item, "metadata.ownerReferences")
                    .Where(o => JsonPaths.Get(o, "controller") is JsonValue c && c.TryGetValue<bool>(out var isController) && isController)
                    .Select(o => $"{JsonPaths.GetString(o, "kind")?.ToLowerInvariant()}.{JsonPaths.GetString(o, "apiVersion")?.Split('/')[0]}/{JsonPaths.GetString(o, "name")}")
                    .FirstOrDefault() ?? Cells.None),
                TableColumn.NumberAt("Revision", "revision", "The revision of the object's state."),
            ],
        },
    ];
}
