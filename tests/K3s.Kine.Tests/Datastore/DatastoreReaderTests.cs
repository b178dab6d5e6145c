using Google.Protobuf;
using K3s.Core.Datastore;
using K3s.Core.Etcd;
using K3s.Kine.Server;
using K3s.Kine.Sql;
using K3s.Kine.Tests.Servers;

namespace K3s.Kine.Tests.Datastore;

/// <summary>
/// The cmdlets' reader of the etcd v3 API tells the same history of the same writes on real etcd
/// 3.4 and on K3s.Kine, and the same as the reader of K3s.Kine's state.db.
/// </summary>
[Collection(EtcdCollection.Name)]
public sealed class DatastoreReaderTests(EtcdFixture etcd) : IAsyncLifetime
{
    private readonly TemporaryDirectory directory = new();
    private KineStore? store;
    private DatastoreServer? server;

    private string DatabasePath => Path.Combine(directory.Path, "state.db");

    public async Task InitializeAsync()
    {
        store = await KineStore.OpenAsync(DatastoreEndpoint.Parse("sqlite://" + DatabasePath, directory.Path), new KineOptions { CompactInterval = TimeSpan.Zero });
        server = await DatastoreServer.StartAsync(store, ["127.0.0.1:0"]);
    }

    private static async Task<string> WriteHistoryAsync(string endpoint)
    {
        var prefix = $"/history/{Guid.NewGuid():N}/";
        using var channel = EtcdChannel.For(endpoint);
        var kv = new KV.KVClient(channel);
        async Task Put(string key, string value) =>
            await kv.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(prefix + key), Value = ByteString.CopyFromUtf8(value) });
        await Put("a", "a1");
        await Put("b", "b1");
        await Put("a", "a2");
        await kv.DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(prefix + "b") });
        await Put("b", "b2");
        return prefix;
    }

    private static async Task<List<string>> HistoryAsync(IDatastoreReader reader, string prefix)
    {
        var rows = new List<string>();
        await foreach (var row in reader.HistoryAsync(KeySelection.Under(prefix), CancellationToken.None))
            rows.Add($"{row.Operation} {row.Key[prefix.Length..]} {System.Text.Encoding.UTF8.GetString(row.Value)} v{row.Version}");
        return rows;
    }

    private static readonly string[] Expected =
        ["Create a a1 v1", "Create b b1 v1", "Update a a2 v2", "Delete b b1 v0", "Create b b2 v1"];

    [Fact]
    public async Task Replays_the_stored_history_of_real_etcd()
    {
        var prefix = await WriteHistoryAsync(etcd.Server.Endpoint);
        await using var reader = EtcdDatastoreReader.Connect(etcd.Server.Endpoint);

        Assert.Equal(Expected, await HistoryAsync(reader, prefix));
    }

    [Fact]
    public async Task Replays_the_same_history_of_kine_through_the_api_and_from_its_file()
    {
        var prefix = await WriteHistoryAsync(server!.Addresses[0]);
        await using var api = EtcdDatastoreReader.Connect(server.Addresses[0]);
        await using var file = SqliteDatastoreReader.Open(DatabasePath);

        Assert.Equal(Expected, await HistoryAsync(api, prefix));
        Assert.Equal(Expected, await HistoryAsync(file, prefix));
    }

    [Fact]
    public async Task Finds_the_compact_revision_of_real_etcd()
    {
        await WriteHistoryAsync(etcd.Server.Endpoint);
        await using var reader = EtcdDatastoreReader.Connect(etcd.Server.Endpoint);
        var (current, _) = await reader.GetRevisionsAsync(CancellationToken.None);
        using var channel = EtcdChannel.For(etcd.Server.Endpoint);
        try
        {
            await new KV.KVClient(channel).CompactAsync(new CompactionRequest { Revision = current - 2 });
        }
        catch (Grpc.Core.RpcException e) when (e.Status.Detail.Contains("compacted", StringComparison.Ordinal))
        {
            // Another test compacted further already.
        }

        var (_, compact) = await reader.GetRevisionsAsync(CancellationToken.None);

        Assert.True(compact >= current - 2, $"compact {compact}, expected at least {current - 2}");
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
        if (store is not null)
            await store.DisposeAsync();
        directory.Dispose();
    }
}
