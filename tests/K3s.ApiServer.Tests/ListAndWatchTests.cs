using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>Lists (paged, filtered) and watches, as informers and kubectl use them.</summary>
/// <remarks>On K3s.Kine here, on etcd in <see cref="ListAndWatchTestsOnEtcd"/>.</remarks>
public sealed class ListAndWatchTests(ApiServerFixture server) : ListAndWatchTests<ApiServerFixture>(server);

/// <summary>The tests of <see cref="ListAndWatchTests"/> on any datastore the fixture runs the API server on.</summary>
public abstract class ListAndWatchTests<TServer>(TServer server) : InFreshNamespace<TServer>(server)
    where TServer : ApiServerFixture
{

    private Task<V1ConfigMap> CreateAsync(string name, Dictionary<string, string>? labels = null) =>
        Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, Ns);

    [Fact]
    public async Task Pages_of_two_list_all_five_items_at_one_version()
    {
        for (var i = 0; i < 5; i++)
            await CreateAsync($"item-{i}");
        var names = new List<string>();
        string? token = null;
        string? version = null;
        var pages = 0;
        do
        {
            var page = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 2, continueParameter: token);
            names.AddRange(page.Items.Select(item => item.Metadata.Name));
            version ??= page.Metadata.ResourceVersion;
            Assert.Equal(version, page.Metadata.ResourceVersion);
            token = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"item-{i}"), names);
    }

    [Fact]
    public async Task A_page_reads_the_snapshot_of_the_first_even_after_changes()
    {
        for (var i = 0; i < 3; i++)
            await CreateAsync($"snap-{i}");
        var first = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, limit: 1);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("snap-2", Ns);
        var rest = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, continueParameter: first.Metadata.ContinueProperty);
        Assert.Equal(["snap-1", "snap-2"], rest.Items.Select(item => item.Metadata.Name));
    }

    [Fact]
    public async Task A_list_across_namespaces_includes_this_one()
    {
        await CreateAsync("everywhere");
        var all = await Client.CoreV1.ListConfigMapForAllNamespacesAsync();
        Assert.Contains(all.Items, item => item.Metadata.Name == "everywhere" && item.Metadata.NamespaceProperty == Ns);
    }

    [Theory]
    [InlineData("tier=web", new[] { "a" })]
    [InlineData("tier!=web", new[] { "b", "c" })]
    [InlineData("tier in (web,db)", new[] { "a", "b" })]
    [InlineData("tier notin (web)", new[] { "b", "c" })]
    [InlineData("tier", new[] { "a", "b" })]
    [InlineData("!tier", new[] { "c" })]
    [InlineData("tier,env=prod", new[] { "b" })]
    public async Task Label_selectors_pick_the_matching_objects(string selector, string[] expected)
    {
        await CreateAsync("a", new() { ["tier"] = "web" });
        await CreateAsync("b", new() { ["tier"] = "db", ["env"] = "prod" });
        await CreateAsync("c");
        var found = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: selector);
        Assert.Equal(expected, found.Items.Select(item => item.Metadata.Name));
    }

    [Fact]
    public async Task A_label_selector_with_a_limit_still_fills_pages()
    {
        for (var i = 0; i < 6; i++)
            await CreateAsync($"f-{i}", i % 2 == 0 ? new() { ["even"] = "yes" } : null);
        var page = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: "even", limit: 2);
        Assert.Equal(["f-0", "f-2"], page.Items.Select(item => item.Metadata.Name));
        var rest = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: "even", continueParameter: page.Metadata.ContinueProperty);
        Assert.Equal(["f-4"], rest.Items.Select(item => item.Metadata.Name));
    }

    [Fact]
    public async Task A_field_selector_on_the_name_picks_one()
    {
        await CreateAsync("x1");
        await CreateAsync("x2");
        var found = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns, fieldSelector: "metadata.name=x2");
        Assert.Equal(["x2"], found.Items.Select(item => item.Metadata.Name));
    }

    [Fact]
    public async Task A_field_the_kind_cannot_be_selected_by_is_BadRequest()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ListNamespacedConfigMapAsync(Ns, fieldSelector: "data.key=1"));
        ConfigMapTests.AssertStatus(error, HttpStatusCode.BadRequest, "BadRequest", "field label not supported");
    }

    [Fact]
    public async Task A_watch_from_a_list_version_sees_added_modified_and_deleted_in_order()
    {
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(WatchEventType Type, string Name, string? Value)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in Client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: stop.Token))
            {
                events.Add((type, item.Metadata.Name, (item.Data is { } data && data.TryGetValue("k", out var v) ? v : null)));
                if (type == WatchEventType.Deleted)
                    return;
            }
        });
        var created = await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "w" }, Data = new Dictionary<string, string> { ["k"] = "1" } }, Ns);
        created.Data["k"] = "2";
        await Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "w", Ns);
        await Client.CoreV1.DeleteNamespacedConfigMapAsync("w", Ns);
        await watching;
        Assert.Equal([(WatchEventType.Added, "w", "1"), (WatchEventType.Modified, "w", "2"), (WatchEventType.Deleted, "w", "2")], events);
    }

    [Fact]
    public async Task A_watch_without_a_version_starts_with_the_current_objects()
    {
        await CreateAsync("existing");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await Client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, cancellationToken: stop.Token).FirstAsync(stop.Token);
        Assert.Equal((WatchEventType.Added, "existing"), (first.Item1, first.Item2.Metadata.Name));
    }

    [Fact]
    public async Task A_watch_ends_after_its_timeout()
    {
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        await CreateAsync("before-timeout"); // the client reads a first event before it hands the stream over
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var count = 0;
        await foreach (var _ in Client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, resourceVersion: list.Metadata.ResourceVersion, timeoutSeconds: 1, cancellationToken: stop.Token))
            count++;
        Assert.Equal(1, count);
        Assert.False(stop.IsCancellationRequested);
    }

    [Fact]
    public async Task A_watch_filtered_by_label_sees_only_matching_objects()
    {
        var list = await Client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watching = Client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, labelSelector: "pick=me", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: stop.Token)
            .FirstAsync(stop.Token).AsTask();
        await CreateAsync("skipped");
        await CreateAsync("picked", new() { ["pick"] = "me" });
        Assert.Equal("picked", (await watching).Item2.Metadata.Name);
    }
}
