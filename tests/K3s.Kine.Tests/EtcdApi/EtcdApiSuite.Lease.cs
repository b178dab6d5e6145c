using Grpc.Core;
using K3s.Core.Etcd;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>Leases: grant, attach, time to live, keep alive, revoke, list, expiry.</summary>
public abstract partial class EtcdApiSuite
{
    private const string LeaseNotFound = "etcdserver: requested lease not found";

    /// <summary>A lease id nobody granted (below 2^31, which every target accepts).</summary>
    private static long UnknownLeaseId() => 0x4000_0000L + Random.Shared.Next(0x3fff_ffff);

    [Fact]
    public async Task Lease_Grant_ReturnsTheTtlAndTakesNoRevision()
    {
        var (revision, grant) = await WithoutOtherWritesAsync(() => Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 }).ResponseAsync);
        try
        {
            Assert.NotEqual(0, grant.ID);
            Assert.Equal(60, grant.TTL);
            Assert.True(string.IsNullOrEmpty(grant.Error), grant.Error);
            Assert.Equal(revision, grant.Header.Revision);
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        }
    }

    [Fact]
    public async Task Lease_GrantBelowTheMinimumTtl_IsRaisedToTwoSeconds()
    {
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 1 });
        try
        {
            var ttl = await Leases.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = grant.ID });

            Assert.Equal(2, grant.TTL);
            Assert.Equal(2, ttl.GrantedTTL);
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        }
    }

    [Fact]
    public async Task Lease_GrantAboveTheMaximumTtl_IsOutOfRange()
    {
        await AssertFailsAsync(StatusCode.OutOfRange, "etcdserver: too large lease TTL",
            () => Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 9_000_000_001 }).ResponseAsync);
    }

    [Fact]
    public async Task Lease_GrantWithAnIdTaken_IsFailedPrecondition()
    {
        var id = UnknownLeaseId();
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = 60 });
        try
        {
            Assert.Equal(id, grant.ID);
            await AssertFailsAsync(StatusCode.FailedPrecondition, "etcdserver: lease already exists",
                () => Leases.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = 60 }).ResponseAsync);
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = id });
        }
    }

    [Fact]
    public async Task Lease_PutWithLease_TimeToLiveListsItsKeys()
    {
        var prefix = NewPrefix();
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        try
        {
            await PutAsync(prefix + "a", "1", lease: grant.ID);
            await PutAsync(prefix + "b", "2", lease: grant.ID);
            await PutAsync(prefix + "c", "3");

            var kv = await SingleAsync(GetAsync(prefix + "a"));
            var withKeys = await Leases.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = grant.ID, Keys = true });
            var withoutKeys = await Leases.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = grant.ID });

            Assert.Equal(grant.ID, kv.Lease);
            Assert.Equal(grant.ID, withKeys.ID);
            Assert.Equal(60, withKeys.GrantedTTL);
            Assert.InRange(withKeys.TTL, 1, 60);
            Assert.Equal([prefix + "a", prefix + "b"], withKeys.Keys.Select(S).Order());
            Assert.Empty(withoutKeys.Keys);
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        }
    }

    [Fact]
    public async Task Lease_PutWithoutLease_DetachesTheKey()
    {
        var key = NewPrefix() + "k";
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        await PutAsync(key, "leased", lease: grant.ID);
        await PutAsync(key, "free");

        await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        var kv = await SingleAsync(GetAsync(key));

        Assert.Equal("free", S(kv.Value));
        Assert.Equal(0, kv.Lease);
    }

    [Fact]
    public async Task Lease_KeepAlive_ReturnsTheTtl()
    {
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 30 });
        try
        {
            using var keepAlive = Leases.LeaseKeepAlive();
            var answers = new List<LeaseKeepAliveResponse>();
            for (var i = 0; i < 2; i++)
            {
                await keepAlive.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = grant.ID });
                Assert.True(await keepAlive.ResponseStream.MoveNext(CancellationToken.None));
                answers.Add(keepAlive.ResponseStream.Current);
            }

            await keepAlive.RequestStream.CompleteAsync();

            Assert.All(answers, answer =>
            {
                Assert.Equal(grant.ID, answer.ID);
                Assert.Equal(30, answer.TTL);
            });
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        }
    }

    [Fact]
    public async Task Lease_Unknown_PutIsNotFoundRevokeIsNotFoundTtlIsMinusOneKeepAliveIsZero()
    {
        var key = NewPrefix() + "k";
        var id = UnknownLeaseId();

        await AssertFailsAsync(StatusCode.NotFound, LeaseNotFound, () => PutAsync(key, "v", lease: id));
        await AssertFailsAsync(StatusCode.NotFound, LeaseNotFound, () => TxnAsync(Txn([], [PutOp(key, "v", lease: id)])));
        await AssertFailsAsync(StatusCode.NotFound, LeaseNotFound,
            () => Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = id }).ResponseAsync);
        var ttl = await Leases.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = id, Keys = true });
        using var keepAlive = Leases.LeaseKeepAlive();
        await keepAlive.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = id });
        Assert.True(await keepAlive.ResponseStream.MoveNext(CancellationToken.None));
        var kept = keepAlive.ResponseStream.Current;
        await keepAlive.RequestStream.CompleteAsync();

        Assert.Equal(id, ttl.ID);
        Assert.Equal(-1, ttl.TTL);
        Assert.Empty(ttl.Keys);
        Assert.Equal(id, kept.ID);
        Assert.Equal(0, kept.TTL);
        Assert.Empty((await GetAsync(key)).Kvs);
    }

    [Fact]
    public async Task Lease_Revoke_DeletesItsKeysAndTheLease()
    {
        var prefix = NewPrefix();
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        var put = await PutAsync(prefix + "a", "1", lease: grant.ID);
        await PutAsync(prefix + "b", "2", lease: grant.ID);
        await PutAsync(prefix + "free", "3");

        var revoke = await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        var left = await ListAsync(prefix);
        var ttl = await Leases.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = grant.ID });
        var leases = await Leases.LeaseLeasesAsync(new LeaseLeasesRequest());

        Assert.True(revoke.Header.Revision > put.Header.Revision);
        Assert.Equal([prefix + "free"], Keys(left.Kvs));
        Assert.Equal(-1, ttl.TTL);
        Assert.DoesNotContain(leases.Leases, lease => lease.ID == grant.ID);
    }

    [Fact]
    public async Task Lease_Leases_ListsTheGrantedIds()
    {
        var first = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        var second = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        try
        {
            var leases = await Leases.LeaseLeasesAsync(new LeaseLeasesRequest());

            Assert.Contains(leases.Leases, lease => lease.ID == first.ID);
            Assert.Contains(leases.Leases, lease => lease.ID == second.ID);
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = first.ID });
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = second.ID });
        }
    }

    [Fact]
    public async Task Lease_Expiry_DeletesTheKeysOfALeaseThatIsNotKeptAlive()
    {
        var prefix = NewPrefix();
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 2 });
        await PutAsync(prefix + "leased", "v", lease: grant.ID);
        await PutAsync(prefix + "free", "v");

        var left = await EventuallyAsync(() => ListAsync(prefix), range => range.Count == 1, TimeSpan.FromSeconds(6),
            "the leased key to expire");
        var ttl = await EventuallyAsync(() => Leases.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = grant.ID }).ResponseAsync,
            response => response.TTL == -1, TimeSpan.FromSeconds(2), "the lease to be gone");

        Assert.Equal([prefix + "free"], Keys(left.Kvs));
        Assert.Equal(-1, ttl.TTL);
    }
}
