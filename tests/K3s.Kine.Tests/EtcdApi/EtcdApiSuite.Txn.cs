using Grpc.Core;
using K3s.Core.Etcd;
using CompareResult = K3s.Core.Etcd.Compare.Types.CompareResult;
using CompareTarget = K3s.Core.Etcd.Compare.Types.CompareTarget;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>Txn: compares, branches, nesting, and the checks on a txn's shape.</summary>
public abstract partial class EtcdApiSuite
{
    [Fact]
    public async Task Txn_CreateIfAbsent_SucceedsOnceThenFails()
    {
        var key = NewPrefix() + "k";
        var create = Txn([ModIs(key, 0)], [PutOp(key, "first")], [GetOp(key)]);

        var first = await TxnAsync(create);
        var second = await TxnAsync(Txn([ModIs(key, 0)], [PutOp(key, "second")], [GetOp(key)]));
        var kv = await SingleAsync(GetAsync(key));

        Assert.True(first.Succeeded);
        var put = Assert.Single(first.Responses).ResponsePut;
        Assert.NotNull(put);
        Assert.Equal(first.Header.Revision, kv.CreateRevision);
        Assert.False(second.Succeeded);
        var existing = Assert.Single(Assert.Single(second.Responses).ResponseRange.Kvs);
        Assert.Equal("first", S(existing.Value));
        Assert.Equal("first", S(kv.Value));
        Assert.Equal(1, kv.Version);
    }

    [Fact]
    public async Task Txn_UpdateWithModRevisionCompare_SucceedsOnlyAtTheCurrentRevision()
    {
        var key = NewPrefix() + "k";
        var created = await PutAsync(key, "v1");

        var update = await TxnAsync(Txn([ModIs(key, created.Header.Revision)], [PutOp(key, "v2")], [GetOp(key)]));
        var stale = await TxnAsync(Txn([ModIs(key, created.Header.Revision)], [PutOp(key, "v3")], [GetOp(key)]));
        var kv = await SingleAsync(GetAsync(key));

        Assert.True(update.Succeeded);
        Assert.True(update.Header.Revision > created.Header.Revision);
        Assert.False(stale.Succeeded);
        // The else branch's range reads the key as it is.
        var current = Assert.Single(Assert.Single(stale.Responses).ResponseRange.Kvs);
        Assert.Equal("v2", S(current.Value));
        Assert.Equal(update.Header.Revision, current.ModRevision);
        Assert.Equal(1, Assert.Single(stale.Responses).ResponseRange.Count);
        Assert.Equal("v2", S(kv.Value));
        Assert.Equal(2, kv.Version);
    }

    [Fact]
    public async Task Txn_ComparesOnValueVersionCreateModAndLease()
    {
        var prefix = NewPrefix();
        var key = prefix + "k";
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        var created = await PutAsync(key, "bbb");
        var updated = await PutAsync(key, "bbb", lease: grant.ID);

        async Task<bool> Holds(Compare compare) => (await TxnAsync(Txn([compare], []))).Succeeded;
        Compare Value(CompareResult result, string value) => new() { Key = B(key), Target = CompareTarget.Value, Result = result, Value = B(value) };
        Compare Version(CompareResult result, long version) => new() { Key = B(key), Target = CompareTarget.Version, Result = result, Version = version };
        Compare Create(CompareResult result, long revision) => new() { Key = B(key), Target = CompareTarget.Create, Result = result, CreateRevision = revision };
        Compare Lease(CompareResult result, long lease) => new() { Key = B(key), Target = CompareTarget.Lease, Result = result, Lease = lease };

        try
        {
            Assert.True(await Holds(Value(CompareResult.Equal, "bbb")));
            Assert.False(await Holds(Value(CompareResult.Equal, "bb")));
            Assert.True(await Holds(Value(CompareResult.Greater, "aaa")));
            Assert.True(await Holds(Value(CompareResult.Less, "c")));
            Assert.True(await Holds(Value(CompareResult.NotEqual, "x")));
            Assert.True(await Holds(Version(CompareResult.Equal, 2)));
            Assert.True(await Holds(Version(CompareResult.Greater, 1)));
            Assert.False(await Holds(Version(CompareResult.Less, 2)));
            Assert.True(await Holds(Create(CompareResult.Equal, created.Header.Revision)));
            Assert.False(await Holds(Create(CompareResult.Equal, updated.Header.Revision)));
            Assert.True(await Holds(ModIs(key, updated.Header.Revision)));
            Assert.True(await Holds(ModIs(key, created.Header.Revision, CompareResult.Greater)));
            Assert.True(await Holds(Lease(CompareResult.Equal, grant.ID)));
            Assert.False(await Holds(Lease(CompareResult.Equal, 0)));
            Assert.True(await Holds(Lease(CompareResult.NotEqual, 0)));

            // A missing key: version, revisions and lease compare as 0; a value compare always fails.
            var missing = prefix + "missing";
            Assert.True(await Holds(new Compare { Key = B(missing), Target = CompareTarget.Version, Result = CompareResult.Equal, Version = 0 }));
            Assert.True(await Holds(new Compare { Key = B(missing), Target = CompareTarget.Create, Result = CompareResult.Equal, CreateRevision = 0 }));
            Assert.True(await Holds(new Compare { Key = B(missing), Target = CompareTarget.Lease, Result = CompareResult.Equal, Lease = 0 }));
            Assert.False(await Holds(new Compare { Key = B(missing), Target = CompareTarget.Value, Result = CompareResult.Equal, Value = B("") }));
            Assert.False(await Holds(new Compare { Key = B(missing), Target = CompareTarget.Value, Result = CompareResult.NotEqual, Value = B("x") }));

            // Every compare must hold.
            Assert.False((await TxnAsync(Txn([Value(CompareResult.Equal, "bbb"), Version(CompareResult.Equal, 1)], []))).Succeeded);
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        }
    }

    [Fact]
    public async Task Txn_FailureBranch_RunsItsOperations()
    {
        var prefix = NewPrefix();
        await PutAsync(prefix + "a", "a1");
        await PutAsync(prefix + "b", "b1");

        var txn = await TxnAsync(Txn(
            [new Compare { Key = B(prefix + "a"), Target = CompareTarget.Value, Result = CompareResult.Equal, Value = B("nope") }],
            [PutOp(prefix + "a", "from-success")],
            [PutOp(prefix + "c", "from-failure"), GetOp(prefix + "b"), DeleteOp(prefix + "b", prevKv: true)]));
        var keys = await ListAsync(prefix);

        Assert.False(txn.Succeeded);
        Assert.Equal(3, txn.Responses.Count);
        Assert.NotNull(txn.Responses[0].ResponsePut);
        Assert.Equal("b1", S(Assert.Single(txn.Responses[1].ResponseRange.Kvs).Value));
        Assert.Equal(1, txn.Responses[2].ResponseDeleteRange.Deleted);
        Assert.Equal("b1", S(Assert.Single(txn.Responses[2].ResponseDeleteRange.PrevKvs).Value));
        Assert.Equal([prefix + "a", prefix + "c"], Keys(keys.Kvs));
        Assert.Equal("a1", S(keys.Kvs[0].Value));
    }

    [Fact]
    public async Task Txn_RangeAfterPutInTheSameTxn_SeesThePut()
    {
        var key = NewPrefix() + "k";
        await PutAsync(key, "old");

        var txn = await TxnAsync(Txn([], [PutOp(key, "new"), GetOp(key)]));

        Assert.True(txn.Succeeded);
        var kv = Assert.Single(txn.Responses[1].ResponseRange.Kvs);
        Assert.Equal("new", S(kv.Value));
        Assert.Equal(2, kv.Version);
        Assert.Equal(txn.Header.Revision, kv.ModRevision);
    }

    [Fact]
    public async Task Txn_Nested_RunsTheInnerTxnsBranch()
    {
        var prefix = NewPrefix();
        await PutAsync(prefix + "flag", "on");

        var inner = Txn(
            [new Compare { Key = B(prefix + "flag"), Target = CompareTarget.Value, Result = CompareResult.Equal, Value = B("on") }],
            [PutOp(prefix + "inner", "yes")],
            [PutOp(prefix + "inner", "no")]);
        var outer = await TxnAsync(Txn([ModIs(prefix + "outer", 0)], [PutOp(prefix + "outer", "done"), new RequestOp { RequestTxn = inner }]));
        var keys = await ListAsync(prefix);

        Assert.True(outer.Succeeded);
        var nested = outer.Responses[1].ResponseTxn;
        Assert.NotNull(nested);
        Assert.True(nested.Succeeded);
        Assert.NotNull(Assert.Single(nested.Responses).ResponsePut);
        Assert.Equal(["on", "yes", "done"], keys.Kvs.Select(kv => S(kv.Value)));
    }

    [Fact]
    public async Task Txn_CompareWithRangeEnd_MustHoldForEveryKeyInTheRange()
    {
        var prefix = NewPrefix();
        await PutAsync(prefix + "a", "1");
        await PutAsync(prefix + "b", "1");
        var versionIsOne = new Compare
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            Target = CompareTarget.Version,
            Result = CompareResult.Equal,
            Version = 1,
        };

        var allOnce = await TxnAsync(Txn([versionIsOne], []));
        await PutAsync(prefix + "b", "2");
        var oneUpdated = await TxnAsync(Txn([versionIsOne], []));
        var allWritten = await TxnAsync(Txn([new Compare
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            Target = CompareTarget.Version,
            Result = CompareResult.Greater,
            Version = 0,
        }], []));

        Assert.True(allOnce.Succeeded);
        Assert.False(oneUpdated.Succeeded);
        Assert.True(allWritten.Succeeded);
    }

    [Fact]
    public async Task Txn_ThatWritesNothing_LeavesTheRevisionUnchanged()
    {
        var prefix = NewPrefix();
        await PutAsync(prefix + "k", "v");

        var (revision, txn) = await WithoutOtherWritesAsync(() =>
            TxnAsync(Txn([ModIs(prefix + "k", 0)], [PutOp(prefix + "k", "never")], [GetOp(prefix + "k")])));

        Assert.False(txn.Succeeded);
        Assert.Equal(revision, txn.Header.Revision);
    }

    [Fact]
    public async Task Txn_DuplicateKey_IsInvalidArgument()
    {
        var prefix = NewPrefix();
        const string Duplicate = "etcdserver: duplicate key given in txn request";

        await AssertFailsAsync(StatusCode.InvalidArgument, Duplicate,
            () => TxnAsync(Txn([], [PutOp(prefix + "k", "1"), PutOp(prefix + "k", "2")])));
        await AssertFailsAsync(StatusCode.InvalidArgument, Duplicate,
            () => TxnAsync(Txn([], [PutOp(prefix + "k", "1"), DeleteOp(prefix, PrefixEnd(prefix))])));
        await AssertFailsAsync(StatusCode.InvalidArgument, Duplicate,
            () => TxnAsync(Txn([], [PutOp(prefix + "k", "1"), new RequestOp { RequestTxn = Txn([], [PutOp(prefix + "k", "2")]) }])));

        // Only one branch runs: the same key in both is allowed.
        var bothBranches = await TxnAsync(Txn([], [PutOp(prefix + "k", "1")], [PutOp(prefix + "k", "2")]));
        Assert.True(bothBranches.Succeeded);
        Assert.Equal("1", S((await SingleAsync(GetAsync(prefix + "k"))).Value));
    }

    [Fact]
    public async Task Txn_TooManyOperations_IsInvalidArgument()
    {
        var prefix = NewPrefix();
        await PutAsync(prefix + "k", "v");

        var most = await TxnAsync(Txn([], Enumerable.Range(0, 128).Select(_ => GetOp(prefix + "k"))));
        await AssertFailsAsync(StatusCode.InvalidArgument, "etcdserver: too many operations in txn request",
            () => TxnAsync(Txn([], Enumerable.Range(0, 129).Select(i => PutOp($"{prefix}k{i:D3}", "v")))));
        await AssertFailsAsync(StatusCode.InvalidArgument, "etcdserver: too many operations in txn request",
            () => TxnAsync(Txn(Enumerable.Range(0, 129).Select(_ => ModIs(prefix + "k", 0, CompareResult.Greater)), [])));

        Assert.True(most.Succeeded);
        Assert.Equal(128, most.Responses.Count);
        Assert.Equal(1, (await ListAsync(prefix)).Count);
    }

    [Fact]
    public async Task Txn_EmptyKey_IsInvalidArgument()
    {
        var prefix = NewPrefix();

        await AssertFailsAsync(StatusCode.InvalidArgument, KeyNotProvided,
            () => TxnAsync(Txn([], [new RequestOp { RequestPut = new PutRequest { Value = B("v") } }])));
        await AssertFailsAsync(StatusCode.InvalidArgument, KeyNotProvided,
            () => TxnAsync(Txn([new Compare { Target = CompareTarget.Mod, ModRevision = 0 }], [PutOp(prefix + "k", "v")])));
        Assert.Empty((await ListAsync(prefix)).Kvs);
    }
}
