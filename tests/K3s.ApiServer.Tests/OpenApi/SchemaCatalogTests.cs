using K3s.ApiServer.Schema;

namespace K3s.ApiServer.Tests.OpenApi;

/// <summary>The catalog made from KubernetesClient's models: names, types, descriptions and patch metadata as upstream's.</summary>
public sealed class SchemaCatalogTests
{
    private static readonly SchemaCatalog Catalog = SchemaCatalog.Shared;

    private static SchemaNode Kind(string group, string version, string kind) =>
        Catalog.ForKind(group, version, kind) ?? throw new Xunit.Sdk.XunitException($"no schema for {group}/{version} {kind}");

    [Fact]
    public void Deployment_spec_replicas_is_an_int32_with_the_upstream_description()
    {
        var replicas = Kind("apps", "v1", "Deployment").Field("spec")!.Field("replicas")!;
        Assert.Equal("integer", replicas.Type);
        Assert.Equal("int32", replicas.Format);
        Assert.Equal("Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.", replicas.Description);
    }

    [Fact]
    public void Definitions_carry_upstream_names()
    {
        var deployment = Kind("apps", "v1", "Deployment");
        Assert.Equal("io.k8s.api.apps.v1.Deployment", deployment.Definition!.Name);
        Assert.Equal("io.k8s.api.apps.v1.DeploymentSpec", deployment.Field("spec")!.Definition!.Name);
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", deployment.Field("metadata")!.Definition!.Name);
        Assert.Equal("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", deployment.Field("spec")!.Field("selector")!.Definition!.Name);
        // The pod template belongs to core/v1 though apps uses it.
        Assert.Equal("io.k8s.api.core.v1.PodTemplateSpec", deployment.Field("spec")!.Field("template")!.Definition!.Name);
        Assert.Equal("io.k8s.api.core.v1.Event", Kind("", "v1", "Event").Definition!.Name);
        Assert.Equal("io.k8s.api.events.v1.Event", Kind("events.k8s.io", "v1", "Event").Definition!.Name);
        Assert.Equal("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition",
            Kind("apiextensions.k8s.io", "v1", "CustomResourceDefinition").Definition!.Name);
        Assert.Equal("io.k8s.api.rbac.v1.ClusterRoleBinding", Kind("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding").Definition!.Name);
    }

    [Fact]
    public void Required_fields_are_upstreams()
    {
        var spec = Kind("apps", "v1", "Deployment").Field("spec")!.Definition!;
        Assert.Equal(["selector", "template"], spec.Required);
        Assert.Equal(["containers"], Kind("", "v1", "Pod").Field("spec")!.Definition!.Required);
        Assert.Equal(["items"], Catalog.DefinitionOfKind("", "v1", "ConfigMapList")!.Required);
    }

    [Fact]
    public void Pod_lists_merge_by_their_upstream_keys()
    {
        var pod = Kind("", "v1", "Pod").Field("spec")!;
        var containers = pod.Field("containers")!;
        Assert.Equal(("merge", "name"), (containers.PatchStrategy, containers.PatchMergeKey));
        Assert.True(containers.IsArray);
        Assert.Equal("io.k8s.api.core.v1.Container", containers.Items!.Definition!.Name);
        Assert.Equal(("merge", "containerPort"), (containers.Items.Field("ports")!.PatchStrategy, containers.Items.Field("ports")!.PatchMergeKey));
        Assert.Equal(["containerPort", "protocol"], containers.Items.Field("ports")!.ListMapKeys);
        Assert.Equal("mountPath", containers.Items.Field("volumeMounts")!.PatchMergeKey);
        Assert.Equal("name", containers.Items.Field("env")!.PatchMergeKey);
        Assert.Equal(("merge,retainKeys", "name"), (pod.Field("volumes")!.PatchStrategy, pod.Field("volumes")!.PatchMergeKey));
        Assert.Equal("ip", pod.Field("hostAliases")!.PatchMergeKey);
        Assert.Null(pod.Field("tolerations")!.PatchStrategy);
        Assert.Equal("atomic", pod.Field("tolerations")!.ListType);
        Assert.Equal("name", Kind("", "v1", "Pod").Field("spec")!.Field("initContainers")!.PatchMergeKey);
    }

    [Fact]
    public void Other_kinds_merge_by_their_upstream_keys()
    {
        var ports = Kind("", "v1", "Service").Field("spec")!.Field("ports")!;
        Assert.Equal(("merge", "port"), (ports.PatchStrategy, ports.PatchMergeKey));
        var metadata = Kind("", "v1", "ConfigMap").Field("metadata")!;
        Assert.Equal(("merge", "uid"), (metadata.Field("ownerReferences")!.PatchStrategy, metadata.Field("ownerReferences")!.PatchMergeKey));
        Assert.Equal("merge", metadata.Field("finalizers")!.PatchStrategy);
        Assert.Equal("retainKeys", Kind("apps", "v1", "Deployment").Field("spec")!.Field("strategy")!.PatchStrategy);
        Assert.Equal("type", Kind("apps", "v1", "Deployment").Field("status")!.Field("conditions")!.PatchMergeKey);
        Assert.Equal("type", Kind("", "v1", "Node").Field("status")!.Field("addresses")!.PatchMergeKey);
    }

    [Fact]
    public void Special_types_map_to_upstream_formats()
    {
        var container = Kind("", "v1", "Pod").Field("spec")!.Field("containers")!.Items!;
        Assert.Equal(("string", "int-or-string"), (container.Field("livenessProbe")!.Field("httpGet")!.Field("port")!.Type,
            container.Field("livenessProbe")!.Field("httpGet")!.Field("port")!.Format));
        var limits = container.Field("resources")!.Field("limits")!;
        Assert.True(limits.IsMap);
        Assert.Equal("string", limits.AdditionalProperties!.Type);
        Assert.Equal(("string", "date-time"), (Kind("", "v1", "ConfigMap").Field("metadata")!.Field("creationTimestamp")!.Type,
            Kind("", "v1", "ConfigMap").Field("metadata")!.Field("creationTimestamp")!.Format));
        var binaryData = Kind("", "v1", "ConfigMap").Field("binaryData")!;
        Assert.Equal(("string", "byte"), (binaryData.AdditionalProperties!.Type, binaryData.AdditionalProperties.Format));
    }

    [Fact]
    public void A_missing_documentation_file_means_no_descriptions()
    {
        var documentation = new ModelDocumentation(Path.Combine(Path.GetTempPath(), "absent", "KubernetesClient.xml"));
        Assert.Null(documentation.Find("P:k8s.Models.V1DeploymentSpec.Replicas"));
    }
}
