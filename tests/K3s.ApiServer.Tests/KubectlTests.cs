using System.Diagnostics;
using k8s;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>kubectl 1.32, with the written kubeconfig and no extra flags, on what the server serves so far.</summary>
public sealed class KubectlTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private static Task<string> FreshNamespaceAsync(Kubernetes client) => Namespaces.CreateAsync(client);

    private Task<(int ExitCode, string Output, string Error)> KubectlAsync(params string[] arguments) => KubectlRunner.RunAsync(server, arguments);

    [Fact]
    public async Task Version_shows_the_server()
    {
        var (code, output, error) = await KubectlAsync("version");
        Assert.True(code == 0, error);
        Assert.Contains("Server Version: v1.", output);
    }

    [Fact]
    public async Task Readyz_is_ok()
    {
        var (code, output, error) = await KubectlAsync("get", "--raw", "/readyz");
        Assert.True(code == 0, error);
        Assert.Equal("ok", output.Trim());
    }

    [Fact]
    public async Task Api_resources_lists_the_served_kinds()
    {
        var (code, output, error) = await KubectlAsync("api-resources", "-o", "name");
        Assert.True(code == 0, error);
        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("namespaces", names);
        Assert.Contains("configmaps", names);
        Assert.Contains("secrets", names);
    }

    [Fact]
    public async Task Get_ns_shows_the_system_namespaces()
    {
        var (code, output, error) = await KubectlAsync("get", "ns");
        Assert.True(code == 0, error);
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            Assert.Matches($"(?m)^{name} +Active", output);
    }

    [Fact]
    public async Task A_configmap_made_elsewhere_shows_in_yaml_json_name_and_jsonpath()
    {
        var ns = Namespaces.Fresh();
        using var client = server.Client();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "shown" }, Data = new Dictionary<string, string> { ["color"] = "blue" } }, ns);

        Assert.Contains("color: blue", (await KubectlAsync("get", "cm", "shown", "-n", ns, "-o", "yaml")).Output);
        Assert.Contains("\"color\": \"blue\"", (await KubectlAsync("get", "configmap", "shown", "-n", ns, "-o", "json")).Output);
        Assert.Equal("configmap/shown", (await KubectlAsync("get", "cm", "-n", ns, "-o", "name")).Output.Trim());
        Assert.Equal("blue", (await KubectlAsync("get", "cm", "shown", "-n", ns, "-o", "jsonpath={.data.color}")).Output);
    }

    [Fact]
    public async Task Label_annotate_and_delete_change_the_object()
    {
        var ns = Namespaces.Fresh();
        using var client = server.Client();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "edited" } }, ns);

        var labelled = await KubectlAsync("label", "cm", "edited", "-n", ns, "tier=web");
        Assert.True(labelled.ExitCode == 0, labelled.Error);
        var annotated = await KubectlAsync("annotate", "cm", "edited", "-n", ns, "note=hello");
        Assert.True(annotated.ExitCode == 0, annotated.Error);
        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("edited", ns);
        Assert.Equal("web", read.Metadata.Labels["tier"]);
        Assert.Equal("hello", read.Metadata.Annotations["note"]);

        var deleted = await KubectlAsync("delete", "cm", "edited", "-n", ns);
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Contains("configmap \"edited\" deleted", deleted.Output);
    }

    [Fact]
    public async Task A_missing_object_is_reported_as_NotFound()
    {
        var (code, _, error) = await KubectlAsync("get", "cm", "absent", "-n", "default");
        Assert.NotEqual(0, code);
        Assert.Contains("configmaps \"absent\" not found", error);
    }

    [Fact]
    public async Task Get_shows_the_columns_kubectl_shows_for_the_kind()
    {
        using var client = server.Client();
        var ns = await FreshNamespaceAsync(client);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "two-keys" }, Data = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } }, ns);
        var (code, output, error) = await KubectlAsync("get", "cm", "-n", ns);
        Assert.True(code == 0, error);
        Assert.Matches("^NAME +DATA +AGE\n", output);
        Assert.Matches("(?m)^two-keys +2 +[0-9]+s$", output);
    }

    [Fact]
    public async Task Get_with_a_chunk_size_of_two_lists_all_five()
    {
        using var client = server.Client();
        var ns = await FreshNamespaceAsync(client);
        for (var i = 0; i < 5; i++)
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"chunk-{i}" } }, ns);
        var (code, output, error) = await KubectlAsync("get", "cm", "-n", ns, "--chunk-size=2", "-o", "name");
        Assert.True(code == 0, error);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"configmap/chunk-{i}"), output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Get_watch_sees_added_modified_and_deleted()
    {
        using var client = server.Client();
        var ns = await FreshNamespaceAsync(client);
        using var watcher = Process.Start(KubectlRunner.StartInfo(server, ["get", "cm", "-n", ns, "-w", "--output-watch-events"]))!;
        try
        {
            var lines = new List<string>();
            var deletedSeen = new TaskCompletionSource();
            var reading = Task.Run(async () =>
            {
                while (await watcher.StandardOutput.ReadLineAsync() is { } line)
                {
                    lock (lines)
                        lines.Add(line);
                    if (line.StartsWith("DELETED", StringComparison.Ordinal))
                        deletedSeen.TrySetResult();
                }
            });
            // kubectl prints nothing for an empty list, so its first ADDED line is the sign it is watching.
            await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "watched" } }, ns);
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!lines.ToArray().Any(line => line.StartsWith("ADDED", StringComparison.Ordinal)))
                await Task.Delay(50, patience.Token);
            await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"v"}}""", V1Patch.PatchType.MergePatch), "watched", ns);
            await client.CoreV1.DeleteNamespacedConfigMapAsync("watched", ns);
            await deletedSeen.Task.WaitAsync(patience.Token);
            string[] events;
            lock (lines)
                events = lines.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(cells => cells.Length > 1 && cells[1] == "watched").Select(cells => cells[0]).ToArray();
            Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events);
        }
        finally
        {
            watcher.Kill();
            await watcher.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Imperative_creates_sent_as_protobuf_store_what_was_asked()
    {
        var ns = Namespaces.Fresh();
        var created = await KubectlAsync("create", "namespace", ns);
        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Equal($"namespace/{ns} created", created.Output.Trim());

        var configMap = await KubectlAsync("create", "configmap", "settings", "-n", ns, "--from-literal=color=blue", "--from-literal=size=2");
        Assert.True(configMap.ExitCode == 0, configMap.Error);
        var secret = await KubectlAsync("create", "secret", "generic", "login", "-n", ns, "--from-literal=password=s3cret");
        Assert.True(secret.ExitCode == 0, secret.Error);

        using var client = server.Client();
        Assert.Equal("Active", (await client.CoreV1.ReadNamespaceAsync(ns)).Status.Phase);
        var settings = await client.CoreV1.ReadNamespacedConfigMapAsync("settings", ns);
        Assert.Equal(new Dictionary<string, string> { ["color"] = "blue", ["size"] = "2" }, settings.Data);
        var login = await client.CoreV1.ReadNamespacedSecretAsync("login", ns);
        Assert.Equal("Opaque", login.Type);
        Assert.Equal("s3cret", System.Text.Encoding.UTF8.GetString(login.Data["password"]));
    }

    [Fact]
    public async Task Patch_merge_and_json_change_the_object()
    {
        using var client = server.Client();
        var ns = await FreshNamespaceAsync(client);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "patched" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);

        var merge = await KubectlAsync("patch", "cm", "patched", "-n", ns, "--type", "merge", "-p", """{"data":{"b":"2"}}""");
        Assert.True(merge.ExitCode == 0, merge.Error);
        var json = await KubectlAsync("patch", "cm", "patched", "-n", ns, "--type", "json", "-p", """[{"op":"remove","path":"/data/a"}]""");
        Assert.True(json.ExitCode == 0, json.Error);
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2" }, (await client.CoreV1.ReadNamespacedConfigMapAsync("patched", ns)).Data);
    }

    [Fact]
    public async Task A_duplicate_create_and_an_invalid_name_say_why()
    {
        using var client = server.Client();
        var ns = await FreshNamespaceAsync(client);
        Assert.Equal(0, (await KubectlAsync("create", "configmap", "once", "-n", ns)).ExitCode);
        var duplicate = await KubectlAsync("create", "configmap", "once", "-n", ns);
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("configmaps \"once\" already exists", duplicate.Error);
        var invalid = await KubectlAsync("create", "configmap", "Bad_Name", "-n", ns);
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("Invalid value", invalid.Error);
    }
}
