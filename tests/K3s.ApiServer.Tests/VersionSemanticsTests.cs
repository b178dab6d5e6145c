using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>resourceVersion and resourceVersionMatch on lists; bookmarks, initial events and selections on watches.</summary>
public sealed class VersionSemanticsTests(ApiServerFixture server) : InFreshNamespace<ApiServerFixture>(server), IDisposable
{
    private readonly HttpClient http = server.Admin();

    public void Dispose() => http.Dispose();

    private Task<V1ConfigMap> CreateAsync(string name, string colour = "red") => Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["colour"] = colour } },
    }, Ns);

    private async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string query)
    {
        using var response = await http.GetAsync($"/api/v1/namespaces/{Ns}/configmaps?{query}");
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task An_exact_list_shows_the_state_at_that_version()
    {
        var first = await CreateAsync("one");
        await CreateAsync("two");
        var (status, body) = await GetAsync($"resourceVersion={first.Metadata.ResourceVersion}&resourceVersionMatch=Exact");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["one"], body["items"]!.AsArray().Select(i => (string?)i!["metadata"]!["name"]));
        Assert.Equal(first.Metadata.ResourceVersion, (string?)body["metadata"]!["resourceVersion"]);

        (status, body) = await GetAsync($"resourceVersion={first.Metadata.ResourceVersion}");
        Assert.Equal(2, body["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Versions_the_store_has_not_reached_and_bad_combinations_are_refused()
    {
        var (status, body) = await GetAsync("resourceVersion=999999999");
        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("Timeout", (string?)body["reason"]);
        Assert.Contains("Too large resource version", (string?)body["message"]);

        (status, body) = await GetAsync("resourceVersionMatch=Exact");
        Assert.Equal((HttpStatusCode)422, status);
        (status, _) = await GetAsync("resourceVersion=0&resourceVersionMatch=Exact");
        Assert.Equal((HttpStatusCode)422, status);
    }

    /// <summary>Reads a watch's events until <paramref name="done"/> says enough.</summary>
    private async Task<List<JsonObject>> WatchAsync(string query, Func<List<JsonObject>, bool> done, Func<Task>? meanwhile = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await http.GetAsync($"/api/v1/namespaces/{Ns}/configmaps?watch=true&{query}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<JsonObject>();
        var acting = meanwhile?.Invoke();
        while (!done(events) && await reader.ReadLineAsync(timeout.Token) is { } line)
            events.Add(JsonNode.Parse(line)!.AsObject());
        if (acting is not null)
            await acting;
        return events;
    }

    [Fact]
    public async Task A_quiet_watch_gets_a_bookmark_at_its_version()
    {
        var created = await CreateAsync("bm");
        var events = await WatchAsync($"resourceVersion={created.Metadata.ResourceVersion}&allowWatchBookmarks=true",
            events => events.Count >= 1, () => Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"a":"1"}}""", V1Patch.PatchType.MergePatch), "bm", Ns));
        // The change, then (quiet again) a bookmark at least as new as the change.
        var more = await WatchAsync($"resourceVersion={(string?)events[0]["object"]!["metadata"]!["resourceVersion"]}&allowWatchBookmarks=true", e => e.Any(x => (string?)x["type"] == "BOOKMARK"));
        var bookmark = more.Single(e => (string?)e["type"] == "BOOKMARK");
        Assert.Equal("ConfigMap", (string?)bookmark["object"]!["kind"]);
        Assert.True(long.Parse((string)bookmark["object"]!["metadata"]!["resourceVersion"]!) >= long.Parse((string)events[0]["object"]!["metadata"]!["resourceVersion"]!));
    }

    [Fact]
    public async Task Send_initial_events_ends_them_with_an_annotated_bookmark()
    {
        await CreateAsync("i1");
        await CreateAsync("i2");
        var events = await WatchAsync("sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
            events => events.Any(e => (string?)e["type"] == "BOOKMARK"));
        Assert.Equal(["ADDED", "ADDED", "BOOKMARK"], events.Select(e => (string?)e["type"]));
        Assert.Equal("true", (string?)events[2]["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]);
    }

    [Fact]
    public async Task A_filtered_watch_sees_objects_enter_and_leave_its_selection()
    {
        var created = await CreateAsync("mover", "red");
        var events = await WatchAsync($"resourceVersion={created.Metadata.ResourceVersion}&labelSelector=colour%3Dblue", events => events.Count >= 2, async () =>
        {
            await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"colour":"blue"}}}""", V1Patch.PatchType.MergePatch), "mover", Ns);
            await Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"colour":"green"}}}""", V1Patch.PatchType.MergePatch), "mover", Ns);
        });
        Assert.Equal(["ADDED", "DELETED"], events.Select(e => (string?)e["type"]));
    }
}
