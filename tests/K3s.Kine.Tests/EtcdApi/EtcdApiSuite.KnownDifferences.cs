using System.Text;
using Google.Protobuf;
using Grpc.Core;
using K3s.Core.Etcd;
using EventType = K3s.Core.Etcd.Event.Types.EventType;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>
/// One test per <see cref="KnownDifference"/> (VersionCountsRetainedRevisions is with the compaction tests):
/// etcd's behaviour on targets without the difference, the documented one on targets with it.
/// </summary>
public abstract partial class EtcdApiSuite
{
    [Fact]
    public async Task KnownDifference_MultiKeyTxnTakesOneRevisionPerKey()
    {
        var prefix = NewPrefix();

        var txn = await TxnAsync(Txn([], [PutOp(prefix + "a", "1"), PutOp(prefix + "b", "2")]));
        var keys = await ListAsync(prefix);

        Assert.True(txn.Succeeded);
        var (a, b) = (keys.Kvs[0], keys.Kvs[1]);
        Assert.Equal(txn.Header.Revision, b.ModRevision);
        Assert.Equal(a.ModRevision, a.CreateRevision);
        Assert.Equal(b.ModRevision, b.CreateRevision);
        if (Has(KnownDifference.MultiKeyTxnTakesOneRevisionPerKey))
            Assert.True(a.ModRevision < b.ModRevision, $"a at {a.ModRevision}, b at {b.ModRevision}");
        else
            Assert.Equal(a.ModRevision, b.ModRevision);
    }

    [Fact]
    public async Task KnownDifference_MultiKeyDeleteTakesOneRevisionPerKey()
    {
        var prefix = NewPrefix();
        await PutAsync(prefix + "a", "1");
        var lastPut = await PutAsync(prefix + "b", "2");
        await using var stream = new WatchStream(Watcher);
        var created = await stream.CreateAsync(new WatchCreateRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            StartRevision = lastPut.Header.Revision + 1,
        });

        var delete = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix) });
        var events = await stream.EventsAsync(created.WatchId, 2);

        Assert.Equal(2, delete.Deleted);
        Assert.All(events, e => Assert.Equal(EventType.Delete, e.Type));
        Assert.Equal([prefix + "a", prefix + "b"], events.Select(e => S(e.Kv.Key)));
        Assert.Equal(delete.Header.Revision, events[1].Kv.ModRevision);
        if (Has(KnownDifference.MultiKeyDeleteTakesOneRevisionPerKey))
            Assert.True(events[0].Kv.ModRevision < events[1].Kv.ModRevision, $"a at {events[0].Kv.ModRevision}, b at {events[1].Kv.ModRevision}");
        else
            Assert.Equal(events[0].Kv.ModRevision, events[1].Kv.ModRevision);
    }

    [Fact]
    public async Task KnownDifference_LeaseRevokeTakesOneRevisionPerKey()
    {
        var prefix = NewPrefix();
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        var lastPut = await PutAsync(prefix + "a", "1", lease: grant.ID);
        lastPut = await PutAsync(prefix + "b", "2", lease: grant.ID);
        await using var stream = new WatchStream(Watcher);
        var created = await stream.CreateAsync(new WatchCreateRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            StartRevision = lastPut.Header.Revision + 1,
        });

        await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        var events = await stream.EventsAsync(created.WatchId, 2);

        Assert.All(events, e => Assert.Equal(EventType.Delete, e.Type));
        Assert.Equal([prefix + "a", prefix + "b"], events.Select(e => S(e.Kv.Key)));
        if (Has(KnownDifference.LeaseRevokeTakesOneRevisionPerKey))
            Assert.True(events[0].Kv.ModRevision < events[1].Kv.ModRevision, $"a at {events[0].Kv.ModRevision}, b at {events[1].Kv.ModRevision}");
        else
            Assert.Equal(events[0].Kv.ModRevision, events[1].Kv.ModRevision);
    }

    [Fact]
    public async Task KnownDifference_KeysMustBeUtf8()
    {
        var key = ByteString.CopyFrom([.. Encoding.UTF8.GetBytes(NewPrefix()), 0xFF]);

        if (Has(KnownDifference.KeysMustBeUtf8))
        {
            await AssertFailsAsync(StatusCode.InvalidArgument, null,
                () => Kv.PutAsync(new PutRequest { Key = key, Value = B("v") }).ResponseAsync);
            await AssertFailsAsync(StatusCode.InvalidArgument, null,
                () => Kv.RangeAsync(new RangeRequest { Key = key }).ResponseAsync);
        }
        else
        {
            await Kv.PutAsync(new PutRequest { Key = key, Value = B("v") });
            var range = await Kv.RangeAsync(new RangeRequest { Key = key });
            Assert.Equal(key, Assert.Single(range.Kvs).Key);
        }
    }

    [Fact]
    public async Task KnownDifference_KeysCannotContainNul()
    {
        var key = B(NewPrefix() + "a\0b");

        if (Has(KnownDifference.KeysCannotContainNul))
        {
            await AssertFailsAsync(StatusCode.InvalidArgument, null,
                () => Kv.PutAsync(new PutRequest { Key = key, Value = B("v") }).ResponseAsync);
        }
        else
        {
            await Kv.PutAsync(new PutRequest { Key = key, Value = B("v") });
            var range = await Kv.RangeAsync(new RangeRequest { Key = key });
            Assert.Equal(key, Assert.Single(range.Kvs).Key);
        }
    }

    [Fact]
    public async Task KnownDifference_LeaseIdsBelow2Pow31()
    {
        var id = (1L << 40) + Random.Shared.Next();

        if (Has(KnownDifference.LeaseIdsBelow2Pow31))
        {
            await AssertFailsAsync(StatusCode.InvalidArgument, null,
                () => Leases.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = 60 }).ResponseAsync);
        }
        else
        {
            var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { ID = id, TTL = 60 });
            var key = NewPrefix() + "k";
            await PutAsync(key, "v", lease: id);
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = id });
            Assert.Equal(id, grant.ID);
            Assert.Empty((await GetAsync(key)).Kvs);
        }
    }

    [Fact]
    public async Task KnownDifference_MySqlKeysAreAsciiCaseInsensitive()
    {
        var prefix = NewPrefix();
        var upper = await PutAsync(prefix + "A", "upper");
        var lower = await PutAsync(prefix + "a", "lower");
        var keys = await ListAsync(prefix);
        var readUpper = await GetAsync(prefix + "A");

        if (Has(KnownDifference.MySqlKeysAreAsciiCaseInsensitive))
        {
            // One key: the second put updated the first, and the key reads back under the newer spelling.
            var kv = Assert.Single(keys.Kvs);
            Assert.Equal(prefix + "a", S(kv.Key));
            Assert.Equal("lower", S(kv.Value));
            Assert.Equal(2, kv.Version);
            Assert.Equal(upper.Header.Revision, kv.CreateRevision);
            Assert.Equal(lower.Header.Revision, kv.ModRevision);
            Assert.Equal(prefix + "a", S(Assert.Single(readUpper.Kvs).Key));
            // A key outside ASCII can be neither written nor read.
            const string notAscii = "k3sps: keys must be ASCII on MySQL and MariaDB (kine's schema stores them as VARCHAR CHARACTER SET ascii)";
            await AssertFailsAsync(StatusCode.InvalidArgument, notAscii, () => PutAsync(prefix + "é", "accent"));
            await AssertFailsAsync(StatusCode.InvalidArgument, notAscii, () => GetAsync(prefix + "é"));
            Assert.Single((await ListAsync(prefix)).Kvs);
        }
        else
        {
            Assert.Equal([prefix + "A", prefix + "a"], Keys(keys.Kvs));
            Assert.Equal(["upper", "lower"], keys.Kvs.Select(kv => S(kv.Value)));
            Assert.All(keys.Kvs, kv => Assert.Equal(1, kv.Version));
            Assert.Equal("upper", S(Assert.Single(readUpper.Kvs).Value));
            await PutAsync(prefix + "é", "accent");
            Assert.Equal("accent", S((await SingleAsync(GetAsync(prefix + "é"))).Value));
        }
    }
}
