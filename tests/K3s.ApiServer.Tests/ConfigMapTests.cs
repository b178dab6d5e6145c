using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>The verbs on one kind, through KubernetesClient as applications use them.</summary>
/// <remarks>On K3s.Kine here, on etcd in <see cref="ConfigMapTestsOnEtcd"/>.</remarks>
public sealed class ConfigMapTests(ApiServerFixture server) : ConfigMapTests<ApiServerFixture>(server);

/// <summary>The tests of <see cref="ConfigMapTests"/> on any datastore the fixture runs the API server on.</summary>
public abstract class ConfigMapTests<TServer>(TServer server) : InFreshNamespace<TServer>(server)
    where TServer : ApiServerFixture
{

    private static V1ConfigMap ConfigMap(string name, string value = "1") =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Data = new Dictionary<string, string> { ["key"] = value } };

    [Fact]
    public async Task Create_fills_in_what_the_server_owns_and_get_returns_it()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one"), Ns);
        Assert.Equal(Ns, created.Metadata.NamespaceProperty);
        Assert.True(Guid.TryParse(created.Metadata.Uid, out _));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > 0);

        var read = await Client.CoreV1.ReadNamespacedConfigMapAsync("one", Ns);
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal("1", read.Data["key"]);
        Assert.Equal("ConfigMap", read.Kind);
        Assert.Equal("v1", read.ApiVersion);
    }

    [Fact]
    public async Task GenerateName_gets_a_random_suffix()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } }, Ns);
        Assert.Matches("^gen-[a-z0-9]{5}$", created.Metadata.Name);
    }

    [Fact]
    public async Task A_second_create_of_a_name_is_AlreadyExists()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("twice"), Ns);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("twice"), Ns));
        AssertStatus(error, HttpStatusCode.Conflict, "AlreadyExists", "configmaps \"twice\" already exists");
    }

    [Fact]
    public async Task An_invalid_name_is_422_Invalid_with_the_field()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("Not_Valid"), Ns));
        AssertStatus(error, (HttpStatusCode)422, "Invalid", "Invalid value");
        Assert.Contains("\"field\":\"metadata.name\"", error.Response.Content);
    }

    [Fact]
    public async Task A_missing_object_is_NotFound()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("absent", Ns));
        AssertStatus(error, HttpStatusCode.NotFound, "NotFound", "configmaps \"absent\" not found");
    }

    [Fact]
    public async Task Creating_in_a_missing_namespace_is_NotFound()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("x"), "no-such-ns"));
        AssertStatus(error, HttpStatusCode.NotFound, "NotFound", "namespaces \"no-such-ns\" not found");
    }

    [Fact]
    public async Task Replace_with_the_current_version_succeeds_and_with_a_stale_one_is_Conflict()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("replace"), Ns);
        created.Data["key"] = "2";
        var replaced = await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "replace", Ns);
        Assert.Equal("2", replaced.Data["key"]);
        Assert.Equal(created.Metadata.Uid, replaced.Metadata.Uid);
        Assert.True(long.Parse(replaced.Metadata.ResourceVersion) > long.Parse(created.Metadata.ResourceVersion));

        created.Data["key"] = "3"; // still carries the first resourceVersion
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "replace", Ns));
        AssertStatus(error, HttpStatusCode.Conflict, "Conflict", "the object has been modified");
        Assert.Equal("2", (await Client.CoreV1.ReadNamespacedConfigMapAsync("replace", Ns)).Data["key"]);
    }

    [Fact]
    public async Task Merge_patch_adds_and_removes_keys()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("merge"), Ns);
        var patch = new V1Patch("""{"metadata":{"labels":{"tier":"web"}},"data":{"key":null,"other":"x"}}""", V1Patch.PatchType.MergePatch);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "merge", Ns);
        Assert.Equal("web", patched.Metadata.Labels["tier"]);
        Assert.Equal(new Dictionary<string, string> { ["other"] = "x" }, patched.Data);
    }

    [Fact]
    public async Task Json_patch_applies_its_operations_and_a_failed_test_changes_nothing()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("json"), Ns);
        var patch = new V1Patch("""[{"op":"test","path":"/data/key","value":"1"},{"op":"replace","path":"/data/key","value":"2"},{"op":"add","path":"/data/new","value":"n"}]""", V1Patch.PatchType.JsonPatch);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "json", Ns);
        Assert.Equal("2", patched.Data["key"]);
        Assert.Equal("n", patched.Data["new"]);

        var failing = new V1Patch("""[{"op":"test","path":"/data/key","value":"1"},{"op":"remove","path":"/data/new"}]""", V1Patch.PatchType.JsonPatch);
        await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.PatchNamespacedConfigMapAsync(failing, "json", Ns));
        Assert.Equal("n", (await Client.CoreV1.ReadNamespacedConfigMapAsync("json", Ns)).Data["new"]);
    }

    [Fact]
    public async Task Strategic_merge_patch_of_a_configmap_merges_its_data()
    {
        await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("strategic"), Ns);
        var patch = new V1Patch("""{"data":{"more":"m"}}""", V1Patch.PatchType.StrategicMergePatch);
        var patched = await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, "strategic", Ns);
        Assert.Equal("1", patched.Data["key"]);
        Assert.Equal("m", patched.Data["more"]);
    }

    [Fact]
    public async Task Delete_answers_a_success_Status_and_the_object_is_gone()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("delete"), Ns);
        var status = await Client.CoreV1.DeleteNamespacedConfigMapAsync("delete", Ns);
        Assert.Equal("Success", status.Status);
        Assert.Equal(created.Metadata.Uid, status.Details.Uid);
        await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("delete", Ns));
    }

    [Fact]
    public async Task An_object_with_a_finalizer_is_only_marked_until_its_last_finalizer_goes()
    {
        var item = ConfigMap("finalized");
        item.Metadata.Finalizers = ["example.com/hold"];
        await Client.CoreV1.CreateNamespacedConfigMapAsync(item, Ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("finalized", Ns);

        var marked = await Client.CoreV1.ReadNamespacedConfigMapAsync("finalized", Ns);
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "finalized", Ns);
        await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("finalized", Ns));
    }

    [Fact]
    public async Task Dry_run_answers_as_a_create_would_but_stores_nothing()
    {
        var answered = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dry"), Ns, dryRun: "All");
        Assert.Equal("dry", answered.Metadata.Name);
        await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("dry", Ns));
    }

    [Fact]
    public async Task Fields_the_server_does_not_model_are_kept()
    {
        using var http = Server.Admin();
        var body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"extra"},"data":{"a":"b"},"futureField":{"nested":[1,2]}}""";
        using var created = await http.PostAsync($"/api/v1/namespaces/{Ns}/configmaps", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var read = JsonNode.Parse(await http.GetStringAsync($"/api/v1/namespaces/{Ns}/configmaps/extra"))!;
        Assert.Equal("""{"nested":[1,2]}""", read["futureField"]!.ToJsonString());
    }

    [Fact]
    public async Task A_YAML_body_is_accepted()
    {
        using var http = Server.Admin();
        var body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  port: \"80\"\n";
        using var created = await http.PostAsync($"/api/v1/namespaces/{Ns}/configmaps", new StringContent(body, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("80", (await Client.CoreV1.ReadNamespacedConfigMapAsync("from-yaml", Ns)).Data["port"]);
    }

    [Theory]
    [InlineData("application/json", "{not json", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("text/plain", "hello", HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType")]
    [InlineData("application/json", "[1,2]", HttpStatusCode.BadRequest, "BadRequest")]
    public async Task A_bad_body_gets_the_right_Status_and_stores_nothing(string contentType, string body, HttpStatusCode code, string reason)
    {
        using var http = Server.Admin();
        using var response = await http.PostAsync($"/api/v1/namespaces/{Ns}/configmaps", new StringContent(body, Encoding.UTF8, contentType));
        Assert.Equal(code, response.StatusCode);
        Assert.Equal(reason, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]);
        Assert.Empty((await Client.CoreV1.ListNamespacedConfigMapAsync(Ns)).Items);
    }

    [Fact]
    public async Task An_object_over_the_size_limit_is_413_and_not_stored()
    {
        var big = ConfigMap("big", new string('x', 2 * 1024 * 1024));
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedConfigMapAsync(big, Ns));
        AssertStatus(error, HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge", "too large");
        await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedConfigMapAsync("big", Ns));
    }

    [Fact]
    public async Task The_object_is_stored_as_JSON_under_the_upstream_key_with_its_revision_as_resourceVersion()
    {
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("layout"), Ns);
        var stored = await Server.Datastore.RangeAsync(new K3s.Core.Etcd.RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8($"/registry/configmaps/{Ns}/layout") });
        var kv = Assert.Single(stored.Kvs);
        Assert.Equal(created.Metadata.ResourceVersion, kv.ModRevision.ToString());
        var json = JsonNode.Parse(kv.Value.ToStringUtf8())!;
        Assert.Equal("1", (string?)json["data"]!["key"]);
        Assert.Null(json["metadata"]!["resourceVersion"]);
    }

    internal static void AssertStatus(HttpOperationException error, HttpStatusCode code, string reason, string messagePart)
    {
        Assert.Equal(code, error.Response.StatusCode);
        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal(reason, (string?)status["reason"]);
        Assert.Equal((int)code, (int?)status["code"]);
        Assert.Contains(messagePart, (string?)status["message"]);
    }
}
