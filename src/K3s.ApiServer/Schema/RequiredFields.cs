namespace K3s.ApiServer.Schema;

/// <summary>
/// The fields upstream's OpenAPI lists as required. KubernetesClient's models mark none (no JsonRequired,
/// no nullability), so the ones that clients show ("-required-" in kubectl explain) are kept here.
/// </summary>
public static class RequiredFields
{
    private const string Core = "io.k8s.api.core.v1.";
    private const string Apps = "io.k8s.api.apps.v1.";
    private const string Meta = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    private const string Rbac = "io.k8s.api.rbac.v1.";
    private const string Extensions = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.";

    private static readonly Dictionary<string, string[]> ByDefinition = new()
    {
        [Meta + "OwnerReference"] = ["apiVersion", "kind", "name", "uid"],
        [Meta + "LabelSelectorRequirement"] = ["key", "operator"],
        [Meta + "Condition"] = ["type", "status", "lastTransitionTime", "reason", "message"],
        [Core + "PodSpec"] = ["containers"],
        [Core + "Container"] = ["name"],
        [Core + "EphemeralContainer"] = ["name"],
        [Core + "ContainerPort"] = ["containerPort"],
        [Core + "EnvVar"] = ["name"],
        [Core + "VolumeMount"] = ["name", "mountPath"],
        [Core + "VolumeDevice"] = ["name", "devicePath"],
        [Core + "Volume"] = ["name"],
        [Core + "KeyToPath"] = ["key", "path"],
        [Core + "ConfigMapKeySelector"] = ["key"],
        [Core + "SecretKeySelector"] = ["key"],
        [Core + "ObjectFieldSelector"] = ["fieldPath"],
        [Core + "ResourceFieldSelector"] = ["resource"],
        [Core + "HTTPGetAction"] = ["port"],
        [Core + "TCPSocketAction"] = ["port"],
        [Core + "GRPCAction"] = ["port"],
        [Core + "HostPathVolumeSource"] = ["path"],
        [Core + "PersistentVolumeClaimVolumeSource"] = ["claimName"],
        [Core + "HostAlias"] = ["ip"],
        [Core + "ServicePort"] = ["port"],
        [Core + "Taint"] = ["key", "effect"],
        [Core + "NodeAddress"] = ["type", "address"],
        [Core + "NodeSelector"] = ["nodeSelectorTerms"],
        [Core + "NodeSelectorRequirement"] = ["key", "operator"],
        [Core + "PodCondition"] = ["type", "status"],
        [Core + "NodeCondition"] = ["type", "status"],
        [Core + "NamespaceCondition"] = ["type", "status"],
        [Core + "PersistentVolumeClaimCondition"] = ["type", "status"],
        [Core + "ContainerStatus"] = ["name", "ready", "restartCount", "image", "imageID"],
        [Core + "EndpointAddress"] = ["ip"],
        [Core + "EndpointPort"] = ["port"],
        [Core + "Event"] = ["metadata", "involvedObject"],
        [Core + "TopologySpreadConstraint"] = ["maxSkew", "topologyKey", "whenUnsatisfiable"],
        [Apps + "DeploymentSpec"] = ["selector", "template"],
        [Apps + "ReplicaSetSpec"] = ["selector"],
        [Apps + "StatefulSetSpec"] = ["selector", "template"],
        [Apps + "DaemonSetSpec"] = ["selector", "template"],
        [Apps + "DeploymentCondition"] = ["type", "status"],
        [Apps + "ReplicaSetCondition"] = ["type", "status"],
        [Apps + "StatefulSetCondition"] = ["type", "status"],
        [Apps + "DaemonSetCondition"] = ["type", "status"],
        ["io.k8s.api.batch.v1.JobSpec"] = ["template"],
        ["io.k8s.api.batch.v1.CronJobSpec"] = ["schedule", "jobTemplate"],
        ["io.k8s.api.batch.v1.JobCondition"] = ["type", "status"],
        ["io.k8s.api.discovery.v1.EndpointSlice"] = ["addressType", "endpoints"],
        ["io.k8s.api.discovery.v1.Endpoint"] = ["addresses"],
        ["io.k8s.api.events.v1.Event"] = ["eventTime"],
        [Rbac + "PolicyRule"] = ["verbs"],
        [Rbac + "RoleRef"] = ["apiGroup", "kind", "name"],
        [Rbac + "Subject"] = ["kind", "name"],
        [Rbac + "RoleBinding"] = ["roleRef"],
        [Rbac + "ClusterRoleBinding"] = ["roleRef"],
        [Extensions + "CustomResourceDefinition"] = ["spec"],
        [Extensions + "CustomResourceDefinitionSpec"] = ["group", "names", "scope", "versions"],
        [Extensions + "CustomResourceDefinitionNames"] = ["plural", "kind"],
        [Extensions + "CustomResourceDefinitionVersion"] = ["name", "served", "storage"],
    };

    public static IReadOnlyList<string> Of(string definition) => ByDefinition.GetValueOrDefault(definition) ?? [];
}
