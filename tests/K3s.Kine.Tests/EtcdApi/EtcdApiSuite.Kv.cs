using Google.Protobuf;
using Grpc.Core;
using K3s.Core.Etcd;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>Put, Range and DeleteRange.</summary>
public abstract partial class EtcdApiSuite
{
    private const string KeyNotProvided = "etcdserver: key is not provided";
    private const string FutureRevision = "etcdserver: mvcc: required revision is a future revision";
    private const string Compacted = "etcdserver: mvcc: required revision has been compacted";

    [Fact]
    public async Task Put_NewKey_RangeReturnsValueRevisionsAndVersionOne()
    {
        var key = NewPrefix() + "k";

        var put = await PutAsync(key, "v1", prevKv: true);
        var kv = await SingleAsync(GetAsync(key));

        Assert.Null(put.PrevKv);
        Assert.Equal(key, S(kv.Key));
        Assert.Equal("v1", S(kv.Value));
        Assert.Equal(put.Header.Revision, kv.CreateRevision);
        Assert.Equal(put.Header.Revision, kv.ModRevision);
        Assert.Equal(1, kv.Version);
        Assert.Equal(0, kv.Lease);
        var serializable = await SingleAsync(Kv.RangeAsync(new RangeRequest { Key = B(key), Serializable = true }).ResponseAsync);
        Assert.Equal(kv, serializable);
    }

    [Fact]
    public async Task Put_ExistingKey_KeepsCreateRevisionIncrementsVersionAndReturnsPrevKv()
    {
        var key = NewPrefix() + "k";
        var first = await PutAsync(key, "v1");

        var second = await PutAsync(key, "v2", prevKv: true);
        var kv = await SingleAsync(GetAsync(key));

        Assert.True(second.Header.Revision > first.Header.Revision);
        Assert.Equal("v2", S(kv.Value));
        Assert.Equal(first.Header.Revision, kv.CreateRevision);
        Assert.Equal(second.Header.Revision, kv.ModRevision);
        Assert.Equal(2, kv.Version);
        Assert.NotNull(second.PrevKv);
        Assert.Equal("v1", S(second.PrevKv.Value));
        Assert.Equal(first.Header.Revision, second.PrevKv.ModRevision);
        Assert.Equal(first.Header.Revision, second.PrevKv.CreateRevision);
        Assert.Equal(1, second.PrevKv.Version);
    }

    [Fact]
    public async Task Put_SameValueAgain_StillTakesARevisionAndAVersion()
    {
        var key = NewPrefix() + "k";
        var first = await PutAsync(key, "same");

        var second = await PutAsync(key, "same");
        var kv = await SingleAsync(GetAsync(key));

        Assert.True(second.Header.Revision > first.Header.Revision);
        Assert.Equal(second.Header.Revision, kv.ModRevision);
        Assert.Equal(2, kv.Version);
    }

    [Fact]
    public async Task Range_MissingKey_ReturnsNoKvsAndTheCurrentRevision()
    {
        var prefix = NewPrefix();
        var put = await PutAsync(prefix + "other", "v");

        var range = await GetAsync(prefix + "missing");

        Assert.Empty(range.Kvs);
        Assert.Equal(0, range.Count);
        Assert.False(range.More);
        Assert.True(range.Header.Revision >= put.Header.Revision);
    }

    [Fact]
    public async Task Range_PrefixWithLimit_CountsEveryKeyAndSetsMore()
    {
        var prefix = NewPrefix();
        foreach (var name in new[] { "c", "a", "e", "b", "d" })
            await PutAsync(prefix + name, name);

        var limited = await ListAsync(prefix, limit: 2);
        var all = await ListAsync(prefix);
        var exact = await ListAsync(prefix, limit: 5);

        Assert.Equal([prefix + "a", prefix + "b"], Keys(limited.Kvs));
        Assert.Equal(5, limited.Count);
        Assert.True(limited.More);
        Assert.Equal([.. "abcde".Select(name => prefix + name)], Keys(all.Kvs));
        Assert.Equal(5, all.Count);
        Assert.False(all.More);
        Assert.Equal(5, exact.Kvs.Count);
        Assert.False(exact.More);
    }

    [Fact]
    public async Task Range_FromKeyToTheEnd_StartsAtTheKey()
    {
        var prefix = NewPrefix();
        foreach (var name in new[] { "a", "b", "c", "d" })
            await PutAsync(prefix + name, name);

        // range_end "\0": every key from the key on, other tests' keys included, so only the first ones are known.
        var range = await Kv.RangeAsync(new RangeRequest { Key = B(prefix + "b"), RangeEnd = ByteString.CopyFrom(0), Limit = 2 });

        Assert.Equal([prefix + "b", prefix + "c"], Keys(range.Kvs));
        Assert.True(range.More);
        Assert.True(range.Count >= 3, $"count {range.Count}");
    }

    [Fact]
    public async Task Range_PagedFromTheKeyAfterTheLast_ReadsEachKeyOnce()
    {
        // Clients page by asking for the range from "last key + \0", as the Kubernetes API server does.
        var prefix = NewPrefix();
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
            await PutAsync(prefix + name, name);

        var seen = new List<string>();
        var start = B(prefix);
        while (true)
        {
            var page = await Kv.RangeAsync(new RangeRequest { Key = start, RangeEnd = PrefixEnd(prefix), Limit = 2 }).ResponseAsync;
            seen.AddRange(Keys(page.Kvs));
            if (!page.More)
                break;
            start = ByteString.CopyFrom([.. page.Kvs[^1].Key.Span, 0]);
        }

        Assert.Equal(["a", "b", "c", "d", "e"], seen.Select(key => key[prefix.Length..]));
    }

    [Fact]
    public async Task Range_AtPastRevision_ReturnsTheValueOfThatRevision()
    {
        var prefix = NewPrefix();
        var first = await PutAsync(prefix + "k", "v1");
        await PutAsync(prefix + "k", "v2");
        await PutAsync(prefix + "later", "x");

        var past = await Kv.RangeAsync(new RangeRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix), Revision = first.Header.Revision });
        var now = await ListAsync(prefix);

        var kv = Assert.Single(past.Kvs);
        Assert.Equal("v1", S(kv.Value));
        Assert.Equal(1, kv.Version);
        Assert.Equal(first.Header.Revision, kv.ModRevision);
        Assert.Equal(1, past.Count);
        // The header carries the current revision, not the one read at.
        Assert.True(past.Header.Revision > first.Header.Revision);
        Assert.Equal(2, now.Count);
    }

    [Fact]
    public async Task Range_AtFutureRevision_IsOutOfRange()
    {
        var key = NewPrefix() + "k";
        var put = await PutAsync(key, "v");

        await AssertFailsAsync(StatusCode.OutOfRange, FutureRevision,
            () => GetAsync(key, revision: put.Header.Revision + 1_000_000));
    }

    [Fact]
    public async Task Range_KeysOnly_ReturnsKeysWithoutValues()
    {
        var prefix = NewPrefix();
        var put = await PutAsync(prefix + "a", "value-a");
        await PutAsync(prefix + "b", "value-b");

        var range = await Kv.RangeAsync(new RangeRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix), KeysOnly = true });

        Assert.Equal([prefix + "a", prefix + "b"], Keys(range.Kvs));
        Assert.All(range.Kvs, kv => Assert.True(kv.Value.IsEmpty));
        Assert.Equal(put.Header.Revision, range.Kvs[0].ModRevision);
        Assert.Equal(1, range.Kvs[0].Version);
        Assert.Equal(2, range.Count);
    }

    [Fact]
    public async Task Range_CountOnly_ReturnsTheCountWithoutKvs()
    {
        var prefix = NewPrefix();
        foreach (var name in new[] { "a", "b", "c" })
            await PutAsync(prefix + name, name);

        var range = await Kv.RangeAsync(new RangeRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix), CountOnly = true });

        Assert.Empty(range.Kvs);
        Assert.Equal(3, range.Count);
    }

    [Fact]
    public async Task Range_SortByKeyDescendingWithLimit_ReturnsTheLastKeys()
    {
        var prefix = NewPrefix();
        foreach (var name in new[] { "b", "e", "a", "d", "c" })
            await PutAsync(prefix + name, name);

        var range = await Kv.RangeAsync(new RangeRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            SortOrder = RangeRequest.Types.SortOrder.Descend,
            SortTarget = RangeRequest.Types.SortTarget.Key,
            Limit = 2,
        });

        Assert.Equal([prefix + "e", prefix + "d"], Keys(range.Kvs));
        Assert.Equal(5, range.Count);
        Assert.True(range.More);
    }

    [Fact]
    public async Task Range_SortByModRevision_OrdersByLastWrite()
    {
        var prefix = NewPrefix();
        foreach (var name in new[] { "c", "a", "b" })
            await PutAsync(prefix + name, name);
        await PutAsync(prefix + "c", "again");

        RangeRequest Sorted(RangeRequest.Types.SortOrder order) => new()
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            SortOrder = order,
            SortTarget = RangeRequest.Types.SortTarget.Mod,
        };
        var ascending = await Kv.RangeAsync(Sorted(RangeRequest.Types.SortOrder.Ascend));
        var descending = await Kv.RangeAsync(Sorted(RangeRequest.Types.SortOrder.Descend));
        // A target other than the key with no order sorts ascending (etcd 3.4).
        var noOrder = await Kv.RangeAsync(Sorted(RangeRequest.Types.SortOrder.None));

        Assert.Equal([prefix + "a", prefix + "b", prefix + "c"], Keys(ascending.Kvs));
        Assert.Equal([prefix + "c", prefix + "b", prefix + "a"], Keys(descending.Kvs));
        Assert.Equal(Keys(ascending.Kvs), Keys(noOrder.Kvs));
    }

    [Fact]
    public async Task Range_SortByCreateRevisionAndVersion()
    {
        var prefix = NewPrefix();
        foreach (var name in new[] { "c", "a", "b" })
            await PutAsync(prefix + name, name);
        await PutAsync(prefix + "a", "2");
        await PutAsync(prefix + "a", "3");
        await PutAsync(prefix + "c", "2");

        var byCreate = await Kv.RangeAsync(new RangeRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            SortOrder = RangeRequest.Types.SortOrder.Ascend,
            SortTarget = RangeRequest.Types.SortTarget.Create,
        });
        var byVersion = await Kv.RangeAsync(new RangeRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            SortOrder = RangeRequest.Types.SortOrder.Descend,
            SortTarget = RangeRequest.Types.SortTarget.Version,
        });

        Assert.Equal([prefix + "c", prefix + "a", prefix + "b"], Keys(byCreate.Kvs));
        Assert.Equal([prefix + "a", prefix + "c", prefix + "b"], Keys(byVersion.Kvs));
        Assert.Equal([3L, 2L, 1L], byVersion.Kvs.Select(kv => kv.Version));
    }

    [Fact]
    public async Task Range_SortByValue_ComparesBytes()
    {
        var prefix = NewPrefix();
        await PutAsync(prefix + "a", "b");
        await PutAsync(prefix + "b", "ab");
        await PutAsync(prefix + "c", "B");

        var range = await Kv.RangeAsync(new RangeRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            SortOrder = RangeRequest.Types.SortOrder.Ascend,
            SortTarget = RangeRequest.Types.SortTarget.Value,
        });

        Assert.Equal(["B", "ab", "b"], range.Kvs.Select(kv => S(kv.Value)));
    }

    [Fact]
    public async Task Range_MinAndMaxModRevision_FilterKvsButNotTheCount()
    {
        var prefix = NewPrefix();
        var a = await PutAsync(prefix + "a", "a");
        var b = await PutAsync(prefix + "b", "b");
        await PutAsync(prefix + "c", "c");

        Task<RangeResponse> Filtered(long min, long max) => Kv.RangeAsync(new RangeRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            MinModRevision = min,
            MaxModRevision = max,
        }).ResponseAsync;
        var fromB = await Filtered(b.Header.Revision, 0);
        var upToB = await Filtered(0, b.Header.Revision);
        var onlyB = await Filtered(b.Header.Revision, b.Header.Revision);
        var beforeA = await Filtered(0, a.Header.Revision - 1);

        Assert.Equal([prefix + "b", prefix + "c"], Keys(fromB.Kvs));
        Assert.Equal([prefix + "a", prefix + "b"], Keys(upToB.Kvs));
        Assert.Equal([prefix + "b"], Keys(onlyB.Kvs));
        Assert.Empty(beforeA.Kvs);
        // etcd counts the range before the filters apply.
        Assert.Equal(3, fromB.Count);
        Assert.Equal(3, beforeA.Count);
    }

    [Fact]
    public async Task Range_MinAndMaxCreateRevision_FilterByCreation()
    {
        var prefix = NewPrefix();
        var a = await PutAsync(prefix + "a", "a");
        var b = await PutAsync(prefix + "b", "b");
        await PutAsync(prefix + "a", "updated");

        var createdFirst = await Kv.RangeAsync(new RangeRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            MaxCreateRevision = a.Header.Revision,
        });
        var createdLater = await Kv.RangeAsync(new RangeRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            MinCreateRevision = b.Header.Revision,
        });

        Assert.Equal([prefix + "a"], Keys(createdFirst.Kvs));
        Assert.Equal([prefix + "b"], Keys(createdLater.Kvs));
    }

    [Fact]
    public async Task DeleteRange_OneKey_DeletesItAndReturnsPrevKv()
    {
        var prefix = NewPrefix();
        var put = await PutAsync(prefix + "k", "v");
        await PutAsync(prefix + "kk", "stays");

        var delete = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix + "k"), PrevKv = true });
        var left = await ListAsync(prefix);

        Assert.Equal(1, delete.Deleted);
        Assert.True(delete.Header.Revision > put.Header.Revision);
        var prev = Assert.Single(delete.PrevKvs);
        Assert.Equal("v", S(prev.Value));
        Assert.Equal(put.Header.Revision, prev.ModRevision);
        Assert.Equal([prefix + "kk"], Keys(left.Kvs));
    }

    [Fact]
    public async Task DeleteRange_Prefix_DeletesEveryKeyAndReturnsPrevKvs()
    {
        var prefix = NewPrefix();
        foreach (var name in new[] { "a", "b", "c" })
            await PutAsync(prefix + name, "value-" + name);
        var outside = prefix[..^1] + "-outside";
        await PutAsync(outside, "stays");

        var delete = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix), PrevKv = true });
        var left = await ListAsync(prefix);
        var withoutPrevKvs = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(outside) });

        Assert.Equal(3, delete.Deleted);
        Assert.Equal(["value-a", "value-b", "value-c"], delete.PrevKvs.Select(kv => S(kv.Value)).Order());
        Assert.Empty(left.Kvs);
        Assert.Equal(1, withoutPrevKvs.Deleted);
        Assert.Empty(withoutPrevKvs.PrevKvs);
    }

    [Fact]
    public async Task DeleteRange_OfNothing_LeavesTheRevisionUnchanged()
    {
        var prefix = NewPrefix();
        await PutAsync(prefix + "k", "v");

        var (revision, delete) = await WithoutOtherWritesAsync(() =>
            Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix + "missing"), RangeEnd = B(prefix + "n") }).ResponseAsync);

        Assert.Equal(0, delete.Deleted);
        Assert.Equal(revision, delete.Header.Revision);
    }

    [Fact]
    public async Task Put_AfterDelete_CreatesTheKeyAnew()
    {
        var key = NewPrefix() + "k";
        var v1 = await PutAsync(key, "v1");
        var v2 = await PutAsync(key, "v2");
        var delete = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(key) });

        var again = await PutAsync(key, "v3", prevKv: true);
        var kv = await SingleAsync(GetAsync(key));
        var beforeDelete = await SingleAsync(GetAsync(key, revision: delete.Header.Revision - 1));
        var atDelete = await GetAsync(key, revision: delete.Header.Revision);

        Assert.Equal("v2", S(beforeDelete.Value));
        Assert.Equal(v1.Header.Revision, beforeDelete.CreateRevision);
        Assert.Equal(v2.Header.Revision, beforeDelete.ModRevision);
        Assert.Equal(2, beforeDelete.Version);
        Assert.Empty(atDelete.Kvs);
        Assert.Null(again.PrevKv);
        Assert.Equal(again.Header.Revision, kv.CreateRevision);
        Assert.Equal(again.Header.Revision, kv.ModRevision);
        Assert.Equal(1, kv.Version);
        Assert.Equal("v3", S(kv.Value));
    }

    [Fact]
    public async Task Put_IgnoreValueAndIgnoreLease_KeepWhatTheKeyHas()
    {
        var prefix = NewPrefix();
        var key = prefix + "k";
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        try
        {
            await PutAsync(key, "kept", lease: grant.ID);

            await Kv.PutAsync(new PutRequest { Key = B(key), IgnoreValue = true, Lease = grant.ID });
            var sameValue = await SingleAsync(GetAsync(key));
            await Kv.PutAsync(new PutRequest { Key = B(key), Value = B("new"), IgnoreLease = true });
            var sameLease = await SingleAsync(GetAsync(key));

            Assert.Equal("kept", S(sameValue.Value));
            Assert.Equal(2, sameValue.Version);
            Assert.Equal("new", S(sameLease.Value));
            Assert.Equal(grant.ID, sameLease.Lease);
            await AssertFailsAsync(StatusCode.InvalidArgument, "etcdserver: value is provided",
                () => Kv.PutAsync(new PutRequest { Key = B(key), Value = B("x"), IgnoreValue = true }).ResponseAsync);
            await AssertFailsAsync(StatusCode.InvalidArgument, "etcdserver: lease is provided",
                () => Kv.PutAsync(new PutRequest { Key = B(key), Lease = grant.ID, IgnoreLease = true }).ResponseAsync);
            await AssertFailsAsync(StatusCode.InvalidArgument, "etcdserver: key not found",
                () => Kv.PutAsync(new PutRequest { Key = B(prefix + "missing"), IgnoreValue = true }).ResponseAsync);
            await AssertFailsAsync(StatusCode.InvalidArgument, "etcdserver: key not found",
                () => Kv.PutAsync(new PutRequest { Key = B(prefix + "missing"), Value = B("v"), IgnoreLease = true }).ResponseAsync);
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        }
    }

    [Fact]
    public async Task EmptyKey_IsInvalidArgument_ForPutRangeAndDeleteRange()
    {
        await AssertFailsAsync(StatusCode.InvalidArgument, KeyNotProvided,
            () => Kv.PutAsync(new PutRequest { Value = B("v") }).ResponseAsync);
        await AssertFailsAsync(StatusCode.InvalidArgument, KeyNotProvided,
            () => Kv.RangeAsync(new RangeRequest()).ResponseAsync);
        await AssertFailsAsync(StatusCode.InvalidArgument, KeyNotProvided,
            () => Kv.RangeAsync(new RangeRequest { RangeEnd = B("/t/") }).ResponseAsync);
        await AssertFailsAsync(StatusCode.InvalidArgument, KeyNotProvided,
            () => Kv.DeleteRangeAsync(new DeleteRangeRequest()).ResponseAsync);
    }

    [Fact]
    public async Task Put_OneMebibyteValue_RoundTrips()
    {
        var key = NewPrefix() + "big";
        var value = new byte[1024 * 1024];
        Random.Shared.NextBytes(value);

        await Kv.PutAsync(new PutRequest { Key = B(key), Value = ByteString.CopyFrom(value) });
        var kv = await SingleAsync(GetAsync(key));

        Assert.Equal(value, kv.Value.ToByteArray());
    }

    [Fact]
    public async Task Put_ValueOverMaxRequestBytes_IsRequestTooLarge()
    {
        var key = NewPrefix() + "too-large";
        var value = ByteString.CopyFrom(new byte[(int)(1.6 * 1024 * 1024)]);

        await AssertFailsAsync(StatusCode.InvalidArgument, "etcdserver: request is too large",
            () => Kv.PutAsync(new PutRequest { Key = B(key), Value = value }).ResponseAsync);
        Assert.Empty((await GetAsync(key)).Kvs);
    }

    [Fact]
    public async Task Put_ValueOverTheGrpcLimit_IsResourceExhausted()
    {
        var key = NewPrefix() + "way-too-large";
        var value = ByteString.CopyFrom(new byte[(int)(2.5 * 1024 * 1024)]);

        await AssertFailsAsync(StatusCode.ResourceExhausted, null,
            () => Kv.PutAsync(new PutRequest { Key = B(key), Value = value }).ResponseAsync);
        Assert.Empty((await GetAsync(key)).Kvs);
    }
}
