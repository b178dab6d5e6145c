using Grpc.Core;
using K3s.Core.Etcd;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>Compact, on the target's exclusive server: compaction removes history every test of a server shares.</summary>
public abstract partial class EtcdApiSuite
{
    [Fact]
    public async Task Compact_ReadsBelowTheRevisionAreCompactedReadsAtItWork()
    {
        using var exclusive = await target.AcquireExclusiveAsync();
        var kv = new Clients(exclusive.Channel).Kv;
        var key = NewPrefix() + "k";
        var first = await PutAsync(key, "v1", kv: kv);
        var second = await PutAsync(key, "v2", kv: kv);
        var third = await PutAsync(key, "v3", kv: kv);

        var compaction = await kv.CompactAsync(new CompactionRequest { Revision = second.Header.Revision, Physical = true });

        Assert.True(compaction.Header.Revision >= third.Header.Revision);
        await AssertFailsAsync(StatusCode.OutOfRange, Compacted, () => GetAsync(key, first.Header.Revision, kv));
        var atCompaction = await SingleAsync(GetAsync(key, second.Header.Revision, kv));
        Assert.Equal("v2", S(atCompaction.Value));
        Assert.Equal(first.Header.Revision, atCompaction.CreateRevision);
        var now = await SingleAsync(GetAsync(key, kv: kv));
        Assert.Equal("v3", S(now.Value));
        Assert.Equal(first.Header.Revision, now.CreateRevision);
        Assert.Equal(third.Header.Revision, now.ModRevision);
    }

    [Fact]
    public async Task Compact_AtTheCompactedRevisionAgainIsCompacted_BeyondTheCurrentIsFuture()
    {
        using var exclusive = await target.AcquireExclusiveAsync();
        var kv = new Clients(exclusive.Channel).Kv;
        var key = NewPrefix() + "k";
        await PutAsync(key, "v1", kv: kv);
        var second = await PutAsync(key, "v2", kv: kv);

        await kv.CompactAsync(new CompactionRequest { Revision = second.Header.Revision });

        await AssertFailsAsync(StatusCode.OutOfRange, Compacted,
            () => kv.CompactAsync(new CompactionRequest { Revision = second.Header.Revision }).ResponseAsync);
        await AssertFailsAsync(StatusCode.OutOfRange, Compacted,
            () => kv.CompactAsync(new CompactionRequest { Revision = second.Header.Revision - 1 }).ResponseAsync);
        await AssertFailsAsync(StatusCode.OutOfRange, FutureRevision,
            () => kv.CompactAsync(new CompactionRequest { Revision = second.Header.Revision + 1_000_000 }).ResponseAsync);
    }

    [Fact]
    public async Task Compact_DeletedKeyStaysDeletedAndTheRangeStaysReadable()
    {
        using var exclusive = await target.AcquireExclusiveAsync();
        var kv = new Clients(exclusive.Channel).Kv;
        var prefix = NewPrefix();
        await PutAsync(prefix + "gone", "v", kv: kv);
        await kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix + "gone") });
        var kept = await PutAsync(prefix + "kept", "v1", kv: kv);
        var updated = await PutAsync(prefix + "kept", "v2", kv: kv);
        var last = await PutAsync(prefix + "last", "x", kv: kv);

        await kv.CompactAsync(new CompactionRequest { Revision = last.Header.Revision });
        var range = await kv.RangeAsync(new RangeRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix) });
        var atCompaction = await kv.RangeAsync(new RangeRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix), Revision = last.Header.Revision });

        Assert.Equal([prefix + "kept", prefix + "last"], Keys(range.Kvs));
        Assert.Equal("v2", S(range.Kvs[0].Value));
        Assert.Equal(kept.Header.Revision, range.Kvs[0].CreateRevision);
        Assert.Equal(updated.Header.Revision, range.Kvs[0].ModRevision);
        Assert.Equal(Keys(range.Kvs), Keys(atCompaction.Kvs));
    }

    [Fact]
    public async Task Watch_FromACompactedRevision_IsCanceledWithTheCompactRevision()
    {
        using var exclusive = await target.AcquireExclusiveAsync();
        var clients = new Clients(exclusive.Channel);
        var key = NewPrefix() + "k";
        var first = await PutAsync(key, "v1", kv: clients.Kv);
        var second = await PutAsync(key, "v2", kv: clients.Kv);
        await clients.Kv.CompactAsync(new CompactionRequest { Revision = second.Header.Revision });
        await using var stream = new WatchStream(clients.Watch);

        var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(key), StartRevision = first.Header.Revision });
        var canceled = await stream.NextAsync(response => response.Canceled, "the compaction cancellation");

        Assert.Equal(created.WatchId, canceled.WatchId);
        Assert.Equal(second.Header.Revision, canceled.CompactRevision);
        Assert.Empty(canceled.Events);
    }

    [Fact]
    public async Task Watch_FromTheCompactRevisionItself_ReplaysFromThere()
    {
        using var exclusive = await target.AcquireExclusiveAsync();
        var clients = new Clients(exclusive.Channel);
        var key = NewPrefix() + "k";
        await PutAsync(key, "v1", kv: clients.Kv);
        var second = await PutAsync(key, "v2", kv: clients.Kv);
        var third = await PutAsync(key, "v3", kv: clients.Kv);
        await clients.Kv.CompactAsync(new CompactionRequest { Revision = second.Header.Revision });
        await using var stream = new WatchStream(clients.Watch);

        var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(key), StartRevision = second.Header.Revision });
        var events = await stream.EventsAsync(created.WatchId, 2);

        Assert.Equal([second.Header.Revision, third.Header.Revision], events.Select(e => e.Kv.ModRevision));
        Assert.Equal(["v2", "v3"], events.Select(e => S(e.Kv.Value)));
    }

    [Fact]
    public async Task KnownDifference_VersionCountsRetainedRevisions()
    {
        using var exclusive = await target.AcquireExclusiveAsync();
        var kv = new Clients(exclusive.Channel).Kv;
        var key = NewPrefix() + "k";
        var first = await PutAsync(key, "v1", kv: kv);
        await PutAsync(key, "v2", kv: kv);
        var third = await PutAsync(key, "v3", kv: kv);

        await kv.CompactAsync(new CompactionRequest { Revision = third.Header.Revision });
        var compacted = await SingleAsync(GetAsync(key, kv: kv));
        await PutAsync(key, "v4", kv: kv);
        var next = await SingleAsync(GetAsync(key, kv: kv));

        Assert.Equal(first.Header.Revision, compacted.CreateRevision);
        Assert.Equal(third.Header.Revision, compacted.ModRevision);
        if (Has(KnownDifference.VersionCountsRetainedRevisions))
        {
            // Only the newest row of the key survives compaction at its revision: it counts as version 1.
            Assert.Equal(1, compacted.Version);
            Assert.Equal(2, next.Version);
        }
        else
        {
            Assert.Equal(3, compacted.Version);
            Assert.Equal(4, next.Version);
        }
    }
}
