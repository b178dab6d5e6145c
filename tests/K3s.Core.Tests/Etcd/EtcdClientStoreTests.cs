using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using K3s.Core.Datastore;
using K3s.Core.Etcd;
using K3s.Kine.Tests.Servers;

namespace K3s.Core.Tests.Etcd;

/// <summary>The etcd client store against a real etcd 3.4: each call as etcd answers it, watches multiplexed on one stream.</summary>
public sealed class EtcdClientStoreTests(EtcdClientFixture etcd) : IClassFixture<EtcdClientFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly EtcdClientStore store = etcd.Store;
    private readonly string prefix = $"/test/{Guid.NewGuid():N}/";

    private ByteString Key(string name) => ByteString.CopyFromUtf8(prefix + name);

    private static ByteString Value(string text) => ByteString.CopyFromUtf8(text);

    private Task<PutResponse> PutAsync(string name, string value, long lease = 0) =>
        store.PutAsync(new PutRequest { Key = Key(name), Value = Value(value), Lease = lease });

    [Fact]
    public async Task Put_range_compare_and_swap_and_delete_answer_as_etcd()
    {
        var first = await PutAsync("a", "1");
        await PutAsync("b", "2");
        var range = await store.RangeAsync(new RangeRequest { Key = Key(""), RangeEnd = Key("\xff"), CountOnly = false });
        Assert.Equal(["1", "2"], range.Kvs.Select(kv => kv.Value.ToStringUtf8()));
        Assert.Equal(first.Header.Revision, range.Kvs[0].ModRevision);

        // The API server's update: succeed only if the key is still at the revision it read.
        TxnRequest Swap(long revision, string value) => new()
        {
            Compare = { new Compare { Key = Key("a"), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = revision } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = Key("a"), Value = Value(value) } } },
            Failure = { new RequestOp { RequestRange = new RangeRequest { Key = Key("a") } } },
        };
        var swapped = await store.TxnAsync(Swap(first.Header.Revision, "3"));
        Assert.True(swapped.Succeeded);
        var stale = await store.TxnAsync(Swap(first.Header.Revision, "4"));
        Assert.False(stale.Succeeded);
        Assert.Equal("3", stale.Responses[0].ResponseRange.Kvs[0].Value.ToStringUtf8());

        var deleted = await store.DeleteRangeAsync(new DeleteRangeRequest { Key = Key("a"), PrevKv = true });
        Assert.Equal(1, deleted.Deleted);
        Assert.Equal("3", deleted.PrevKvs[0].Value.ToStringUtf8());
        Assert.Empty((await store.RangeAsync(new RangeRequest { Key = Key("a") })).Kvs);
    }

    [Fact]
    public async Task An_invalid_request_fails_with_etcds_own_RpcException()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => store.PutAsync(new PutRequest { Value = Value("no key") }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("etcdserver: key is not provided", error.Status.Detail);
    }

    [Fact]
    public async Task A_watch_from_a_past_revision_replays_with_previous_values_after_its_created_response()
    {
        var created = await PutAsync("w", "1");
        await PutAsync("w", "2");
        var deleted = await store.DeleteRangeAsync(new DeleteRangeRequest { Key = Key("w") });
        var output = Channel.CreateUnbounded<WatchResponse>();

        await using var watch = await store.WatchAsync(42, new WatchCreateRequest { Key = Key("w"), StartRevision = created.Header.Revision, PrevKv = true }, output.Writer);

        Assert.True(output.Reader.TryRead(out var first), "the created response is written before WatchAsync returns");
        Assert.True(first.Created);
        Assert.Equal(42, first.WatchId);
        var events = await ReadEventsAsync(output.Reader, 3);
        Assert.Equal(
            [("PUT", "1", (string?)null), ("PUT", "2", "1"), ("DELETE", "", "2")],
            events.Select(e => (e.Type.ToString().ToUpperInvariant(), e.Kv.Value.ToStringUtf8(), e.PrevKv?.Value.ToStringUtf8())));
        Assert.True(watch.SyncedRevision >= deleted.Header.Revision);
        Assert.True(store.WatchedRevision >= deleted.Header.Revision);
    }

    [Fact]
    public async Task Watches_share_the_stream_under_their_callers_ids_and_a_disposed_one_gets_nothing_more()
    {
        var (left, right) = (Channel.CreateUnbounded<WatchResponse>(), Channel.CreateUnbounded<WatchResponse>());
        var leftWatch = await store.WatchAsync(1, new WatchCreateRequest { Key = Key("m") }, left.Writer);
        await using var rightWatch = await store.WatchAsync(1, new WatchCreateRequest { Key = Key(""), RangeEnd = Key("\xff") }, right.Writer);
        await PutAsync("m", "both");
        Assert.Equal("both", (await ReadEventsAsync(left.Reader, 1))[0].Kv.Value.ToStringUtf8());

        await leftWatch.DisposeAsync();
        await PutAsync("m", "right only");
        var seen = await ReadResponsesAsync(right.Reader, 2);
        Assert.Equal(["both", "right only"], seen.SelectMany(response => response.Events).Select(e => e.Kv.Value.ToStringUtf8()));
        Assert.All(seen, response => Assert.Equal(1, response.WatchId));
        Assert.Empty(Drain(left.Reader));
    }

    [Fact]
    public async Task A_watch_from_a_compacted_revision_is_canceled_with_the_compact_revision()
    {
        var old = await PutAsync("c", "1");
        var latest = await PutAsync("c", "2");
        await store.CompactAsync(new CompactionRequest { Revision = latest.Header.Revision, Physical = true });

        var read = await Assert.ThrowsAsync<RpcException>(() => store.RangeAsync(new RangeRequest { Key = Key("c"), Revision = old.Header.Revision }));
        Assert.Equal(StatusCode.OutOfRange, read.StatusCode);
        Assert.Equal("etcdserver: mvcc: required revision has been compacted", read.Status.Detail);

        var output = Channel.CreateUnbounded<WatchResponse>();
        await using var watch = await store.WatchAsync(7, new WatchCreateRequest { Key = Key("c"), StartRevision = old.Header.Revision }, output.Writer);
        Assert.True((await NextAsync(output.Reader)).Created);
        var canceled = await NextAsync(output.Reader);
        Assert.True(canceled.Canceled);
        Assert.Equal(7, canceled.WatchId);
        Assert.Equal(latest.Header.Revision, canceled.CompactRevision);
    }

    [Fact]
    public async Task A_lease_is_granted_kept_alive_and_revoked_with_its_keys()
    {
        var granted = await store.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        Assert.True(granted.ID > 0);
        await PutAsync("leased", "x", granted.ID);

        var kept = await store.LeaseKeepAliveAsync(new LeaseKeepAliveRequest { ID = granted.ID });
        Assert.Equal((granted.ID, 60L), (kept.ID, kept.TTL));
        var live = await store.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = granted.ID, Keys = true });
        Assert.Equal([prefix + "leased"], live.Keys.Select(key => key.ToStringUtf8()));
        Assert.Contains((await store.LeaseLeasesAsync(new LeaseLeasesRequest())).Leases, lease => lease.ID == granted.ID);

        await store.LeaseRevokeAsync(new LeaseRevokeRequest { ID = granted.ID });
        Assert.Empty((await store.RangeAsync(new RangeRequest { Key = Key("leased") })).Kvs);
        // etcd answers a keepalive of a lease it no longer has with a TTL of 0, not an error.
        Assert.Equal(0, (await store.LeaseKeepAliveAsync(new LeaseKeepAliveRequest { ID = granted.ID })).TTL);
        var gone = await Assert.ThrowsAsync<RpcException>(() => store.LeaseRevokeAsync(new LeaseRevokeRequest { ID = granted.ID }));
        Assert.Equal("etcdserver: requested lease not found", gone.Status.Detail);
    }

    [Fact]
    public async Task Status_names_etcds_version_and_current_revision()
    {
        var written = await PutAsync("s", "1");
        var status = await store.StatusAsync();
        Assert.StartsWith("3.4.", status.Version);
        Assert.True(status.Header.Revision >= written.Header.Revision);
        Assert.True(status.DbSize > 0);
    }

    [Fact]
    public async Task The_first_endpoint_that_answers_is_used_and_none_answering_is_a_clear_error()
    {
        var nobody = $"http://127.0.0.1:{FreePort.Next()}";
        await using (var second = await EtcdClientStore.ConnectAsync($"{nobody},{etcd.Server.Endpoint}"))
            Assert.Equal(new Uri(etcd.Server.Endpoint), second.Endpoint);

        var error = await Assert.ThrowsAsync<DatastoreAccessException>(() => EtcdClientStore.ConnectAsync(nobody));
        Assert.Equal(DatastoreAccessException.Unreachable, error.ErrorId);
        Assert.Contains(nobody, error.Message);
    }

    [Fact]
    public async Task When_etcd_goes_away_the_watch_outputs_end_with_an_error()
    {
        var server = await EtcdServer.StartAsync();
        try
        {
            await using var client = await EtcdClientStore.ConnectAsync(server.Endpoint);
            var output = Channel.CreateUnbounded<WatchResponse>();
            await using var watch = await client.WatchAsync(3, new WatchCreateRequest { Key = Key("x") }, output.Writer);
            server.Dispose();

            using var timeout = new CancellationTokenSource(Patience);
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                await foreach (var _ in output.Reader.ReadAllAsync(timeout.Token))
                {
                }
            });
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        }
        finally
        {
            server.Dispose();
        }
    }

    private static async Task<WatchResponse> NextAsync(ChannelReader<WatchResponse> reader)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await reader.ReadAsync(timeout.Token);
    }

    private static async Task<List<Event>> ReadEventsAsync(ChannelReader<WatchResponse> reader, int count) =>
        [.. (await ReadResponsesAsync(reader, count)).SelectMany(response => response.Events)];

    /// <summary>Responses up to the one that brings the number of events read to <paramref name="count"/>.</summary>
    private static async Task<List<WatchResponse>> ReadResponsesAsync(ChannelReader<WatchResponse> reader, int count)
    {
        var responses = new List<WatchResponse>();
        while (responses.Sum(response => response.Events.Count) < count)
            responses.Add(await NextAsync(reader));
        return responses;
    }

    private static List<WatchResponse> Drain(ChannelReader<WatchResponse> reader)
    {
        var left = new List<WatchResponse>();
        while (reader.TryRead(out var response))
            left.Add(response);
        return left;
    }
}
