using System.Text;
using System.Text.Json.Nodes;
using K3s.ApiServer.OpenApi;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Schema;

namespace K3s.ApiServer.Tests.OpenApi;

/// <summary>The documents as kubectl reads them: explain's walk, field validation's PATCH lookup, apply's patch metadata.</summary>
public sealed class OpenApiDocumentTests
{
    private static readonly ResourceDefinition Deployment = new("apps", "v1", "Deployment", "deployments", true, ["deploy"]);
    private static readonly ResourceDefinition Widget = new("example.com", "v1", "Widget", "widgets", false, []);

    private static readonly JsonObject WidgetSchema = JsonNode.Parse("""
        {"type":"object","description":"A widget.","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer","description":"How big."}}}}}
        """)!.AsObject();

    private static KindSchemas Kinds(Func<ResourceDefinition, JsonObject?>? custom = null) => new(SchemaCatalog.Shared, custom);

    private static JsonObject Schemas(JsonObject document) => document["components"]!["schemas"]!.AsObject();

    /// <summary>Follows $ref, or a single allOf around one, as kubectl explain does.</summary>
    private static JsonObject Resolve(JsonObject document, JsonObject schema)
    {
        var reference = (string?)schema["$ref"] ?? (string?)schema["allOf"]?[0]?["$ref"];
        return reference is null ? schema : Schemas(document)[reference["#/components/schemas/".Length..]]!.AsObject();
    }

    /// <summary>The component schema whose x-kubernetes-group-version-kind names the kind.</summary>
    private static JsonObject SchemaOfKind(JsonObject document, string group, string version, string kind) =>
        Schemas(document).Select(entry => entry.Value!.AsObject()).Single(schema =>
            schema["x-kubernetes-group-version-kind"] is JsonArray kinds
            && kinds.Any(gvk => (string?)gvk!["group"] == group && (string?)gvk["version"] == version && (string?)gvk["kind"] == kind));

    [Fact]
    public void Explain_deployment_spec_replicas_finds_its_description()
    {
        var document = OpenApiV3Builder.Document([Deployment], Kinds());
        var deployment = SchemaOfKind(document, "apps", "v1", "Deployment");
        var spec = Resolve(document, deployment["properties"]!["spec"]!.AsObject());
        var replicas = spec["properties"]!["replicas"]!;
        Assert.Equal("integer", (string?)replicas["type"]);
        Assert.Equal("int32", (string?)replicas["format"]);
        Assert.StartsWith("Number of desired pods.", (string?)replicas["description"]);
        Assert.Contains("template", spec["required"]!.AsArray().Select(name => (string?)name));
    }

    [Fact]
    public void The_patch_operation_names_its_kind_takes_fieldValidation_and_strategic_merge()
    {
        var document = OpenApiV3Builder.Document([Deployment], Kinds());
        var patch = document["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Equal("patchAppsV1NamespacedDeployment", (string?)patch["operationId"]);
        Assert.Equal("patch", (string?)patch["x-kubernetes-action"]);
        Assert.Equal("Deployment", (string?)patch["x-kubernetes-group-version-kind"]!["kind"]);
        Assert.Contains("fieldValidation", patch["parameters"]!.AsArray().Select(parameter => (string?)parameter!["name"]));
        var content = patch["requestBody"]!["content"]!.AsObject();
        Assert.True(content.ContainsKey("application/strategic-merge-patch+json"));
        Assert.True(content.ContainsKey("application/apply-patch+yaml"));
        Assert.NotNull(document["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments"]!["post"]);
        Assert.Equal("listAppsV1DeploymentForAllNamespaces", (string?)document["paths"]!["/apis/apps/v1/deployments"]!["get"]!["operationId"]);
    }

    [Fact]
    public void Patch_metadata_reaches_the_pod_template()
    {
        var document = OpenApiV3Builder.Document([Deployment], Kinds());
        var podSpec = Schemas(document)["io.k8s.api.core.v1.PodSpec"]!;
        Assert.Equal("name", (string?)podSpec["properties"]!["containers"]!["x-kubernetes-patch-merge-key"]);
        Assert.Equal("merge", (string?)podSpec["properties"]!["containers"]!["x-kubernetes-patch-strategy"]);
        var container = Schemas(document)["io.k8s.api.core.v1.Container"]!;
        Assert.Equal("containerPort", (string?)container["properties"]!["ports"]!["x-kubernetes-patch-merge-key"]);
        // Every reference resolves.
        foreach (var reference in References(document))
            Assert.True(Schemas(document).ContainsKey(reference["#/components/schemas/".Length..]), reference);
    }

    [Fact]
    public void A_custom_resource_uses_its_own_schema_and_merges_without_strategy()
    {
        var document = OpenApiV3Builder.Document([Widget], Kinds(definition => definition == Widget ? WidgetSchema : null));
        var widget = SchemaOfKind(document, "example.com", "v1", "Widget");
        Assert.Equal("How big.", (string?)widget["properties"]!["spec"]!["properties"]!["size"]!["description"]);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)widget["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
        Assert.True(Schemas(document).ContainsKey("com.example.v1.Widget"));
        var patch = document["paths"]!["/apis/example.com/v1/widgets/{name}"]!["patch"]!;
        Assert.False(patch["requestBody"]!["content"]!.AsObject().ContainsKey("application/strategic-merge-patch+json"));
        Assert.Equal("patchExampleComV1Widget", (string?)patch["operationId"]);
    }

    [Fact]
    public void The_v3_index_lists_each_group_version_with_the_hash_of_its_document()
    {
        var documents = new OpenApiDocuments(() => K3s.ApiServer.Resources.Kinds.CoreKinds.All().Append(Deployment));
        var index = JsonNode.Parse(documents.V3Index())!["paths"]!.AsObject();
        Assert.Equal(["api/v1", "apis/apps/v1"], index.Select(entry => entry.Key));
        var core = documents.V3("api/v1")!;
        Assert.Equal($"/openapi/v3/api/v1?hash={OpenApiDocuments.Hash(core.Json)}", (string?)index["api/v1"]!["serverRelativeURL"]);
        Assert.Null(documents.V3("apis/batch/v1"));
        // The same state gives the same bytes, so the hash is stable.
        Assert.Same(core.Json, documents.V3("api/v1")!.Json);
    }

    [Fact]
    public void Documents_follow_the_served_kinds()
    {
        var served = new List<ResourceDefinition>(K3s.ApiServer.Resources.Kinds.CoreKinds.All());
        var documents = new OpenApiDocuments(() => served);
        Assert.Null(documents.V3("apis/apps/v1"));
        served.Add(Deployment);
        Assert.NotNull(documents.V3("apis/apps/v1"));
    }

    [Fact]
    public void The_v2_document_is_swagger_with_definitions_and_paths()
    {
        var documents = new OpenApiDocuments(() => K3s.ApiServer.Resources.Kinds.CoreKinds.All().Append(Deployment));
        var swagger = JsonNode.Parse(Encoding.UTF8.GetString(documents.V2()))!;
        Assert.Equal("2.0", (string?)swagger["swagger"]);
        var spec = swagger["definitions"]!["io.k8s.api.apps.v1.Deployment"]!["properties"]!["spec"]!;
        Assert.Equal("#/definitions/io.k8s.api.apps.v1.DeploymentSpec", (string?)spec["$ref"]);
        var patch = swagger["paths"]!["/api/v1/namespaces/{namespace}/configmaps/{name}"]!["patch"]!;
        Assert.Contains("application/strategic-merge-patch+json", patch["consumes"]!.AsArray().Select(mediaType => (string?)mediaType));
        Assert.Equal("body", (string?)patch["parameters"]![0]!["in"]);
    }

    /// <summary>The kinds being added to the server: each gets a schema and paths, and every reference resolves.</summary>
    public static TheoryData<string, string, string, string, bool> ComingKinds => new()
    {
        { "", "v1", "Node", "nodes", false }, { "", "v1", "Pod", "pods", true }, { "", "v1", "Service", "services", true },
        { "", "v1", "Endpoints", "endpoints", true }, { "", "v1", "ServiceAccount", "serviceaccounts", true }, { "", "v1", "Event", "events", true },
        { "", "v1", "PersistentVolume", "persistentvolumes", false }, { "", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true },
        { "apps", "v1", "ReplicaSet", "replicasets", true }, { "apps", "v1", "DaemonSet", "daemonsets", true }, { "apps", "v1", "StatefulSet", "statefulsets", true },
        { "batch", "v1", "Job", "jobs", true }, { "batch", "v1", "CronJob", "cronjobs", true }, { "coordination.k8s.io", "v1", "Lease", "leases", true },
        { "discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true }, { "events.k8s.io", "v1", "Event", "events", true },
        { "rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false },
        { "apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false },
    };

    [Theory]
    [MemberData(nameof(ComingKinds))]
    public void Every_coming_kind_is_described(string group, string version, string kind, string plural, bool namespaced)
    {
        var definition = new ResourceDefinition(group, version, kind, plural, namespaced, []);
        var document = OpenApiV3Builder.Document([definition], Kinds());
        Assert.NotNull(SchemaOfKind(document, group, version, kind)["properties"]);
        Assert.NotNull(SchemaOfKind(document, group, version, kind + "List"));
        foreach (var reference in References(document))
            Assert.True(Schemas(document).ContainsKey(reference["#/components/schemas/".Length..]), reference);
        var item = namespaced ? $"/namespaces/{{namespace}}/{plural}/{{name}}" : $"/{plural}/{{name}}";
        Assert.NotNull(document["paths"]![OpenApiV3Builder.PathOf(group, version).Insert(0, "/") + item]!["patch"]);
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        // JSONSchemaProps has a field named $ref; a reference is a string.
        JsonObject obj => obj.SelectMany(entry => entry is { Key: "$ref", Value: JsonValue } ? [(string)entry.Value!] : References(entry.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };
}
