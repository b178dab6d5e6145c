using System.Text.Json.Nodes;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Storage;
using K3s.Kine;
using K3s.Kine.Sql;

namespace K3s.ApiServer.Tests;

/// <summary>
/// The shared watches behind client watches: many watchers of one kind see every change in order, and
/// a watch from further back than the shared watch keeps is still served, from the datastore.
/// </summary>
public sealed class WatchCacheTests : IAsyncLifetime
{
    private readonly TemporaryDirectory dataDir = new();
    private KineStore? datastore;
    private ObjectStore? store;
    private static readonly ResourceDefinition ConfigMaps = ResourceRegistry.BuiltIn().Find("", "v1", "configmaps")!;

    public async Task InitializeAsync()
    {
        datastore = await KineStore.OpenAsync(DatastoreEndpoint.Parse(null, dataDir.Path));
        // A small ring, so a few changes push the oldest out of it.
        store = new ObjectStore(datastore, TimeProvider.System, watchCacheCapacity: 3);
    }

    public async Task DisposeAsync()
    {
        await store!.DisposeAsync();
        await datastore!.DisposeAsync();
        dataDir.Dispose();
    }

    private async Task<long> CreateAsync(string @namespace, string name)
    {
        var created = await store!.CreateAsync(ConfigMaps, @namespace, new JsonObject { ["metadata"] = new JsonObject { ["name"] = name } }, false, default);
        return ObjectStore.RevisionOf(created);
    }

    private async Task<List<string>> NamesAsync(string? @namespace, long after, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var names = new List<string>();
        await foreach (var change in store!.WatchAsync(ConfigMaps, @namespace, after, null, timeout.Token))
        {
            names.Add($"{change.Type} {change.Object["metadata"]!["name"]}");
            if (names.Count == count)
                break;
        }
        return names;
    }

    [Fact]
    public async Task Many_watchers_of_one_kind_each_see_every_change_of_their_namespace_in_order()
    {
        var start = await CreateAsync("a", "first");
        var watchers = Enumerable.Range(0, 20).Select(i => NamesAsync(i % 2 == 0 ? "a" : null, start, i % 2 == 0 ? 5 : 10)).ToList();
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync("a", $"a{i}");
            await CreateAsync("b", $"b{i}");
        }
        var seen = await Task.WhenAll(watchers);
        for (var i = 0; i < seen.Length; i++)
        {
            var expected = i % 2 == 0
                ? Enumerable.Range(0, 5).Select(n => $"ADDED a{n}")
                : Enumerable.Range(0, 5).SelectMany(n => new[] { $"ADDED a{n}", $"ADDED b{n}" });
            Assert.Equal(expected, seen[i]);
        }
    }

    [Fact]
    public async Task A_watch_from_before_what_the_shared_watch_keeps_is_served_from_the_datastore()
    {
        var start = await CreateAsync("c", "origin");
        // Start the shared watch, then push more changes through it than it keeps.
        var early = NamesAsync("c", start, 6);
        for (var i = 0; i < 6; i++)
            await CreateAsync("c", $"c{i}");
        Assert.Equal(6, (await early).Count);

        Assert.Equal(Enumerable.Range(0, 6).Select(n => $"ADDED c{n}"), await NamesAsync("c", start, 6));
    }
}
