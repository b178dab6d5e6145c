using K3s.Core.Etcd;
using EventType = K3s.Core.Etcd.Event.Types.EventType;
using FilterType = K3s.Core.Etcd.WatchCreateRequest.Types.FilterType;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>Watch: creation, events, filters, history, cancellation and progress.</summary>
public abstract partial class EtcdApiSuite
{
    /// <summary>etcd's watch id for responses that concern the whole stream, not one watch.</summary>
    private const long StreamWatchId = -1;

    [Fact]
    public async Task Watch_Create_RespondsCreatedWithAWatchId()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);

        var first = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix) });
        var second = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix + "k") });

        Assert.True(first.Created);
        Assert.False(first.Canceled);
        Assert.Empty(first.Events);
        Assert.True(first.Header.Revision > 0);
        Assert.NotEqual(first.WatchId, second.WatchId);
        // The header's revision is the one the watch starts after: see Watch_FromNow_DoesNotSendWritesMadeBeforeTheCreate.
    }

    [Fact]
    public async Task Watch_PutsAndDeletes_ArriveInOrderWithRevisionsAndPrevKv()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);
        var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix), PrevKv = true });

        var a1 = await PutAsync(prefix + "a", "a1");
        var b1 = await PutAsync(prefix + "b", "b1");
        var a2 = await PutAsync(prefix + "a", "a2");
        var delete = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix + "a") });
        var events = await stream.EventsAsync(created.WatchId, 4);

        Assert.Equal([EventType.Put, EventType.Put, EventType.Put, EventType.Delete], events.Select(e => e.Type));
        Assert.Equal([prefix + "a", prefix + "b", prefix + "a", prefix + "a"], events.Select(e => S(e.Kv.Key)));
        Assert.Equal([a1.Header.Revision, b1.Header.Revision, a2.Header.Revision, delete.Header.Revision], events.Select(e => e.Kv.ModRevision));

        // A create has no previous value; an update and a delete carry the one they replaced.
        Assert.Null(events[0].PrevKv);
        Assert.Equal("a1", S(events[0].Kv.Value));
        Assert.Equal(a1.Header.Revision, events[0].Kv.CreateRevision);
        Assert.Equal(1, events[0].Kv.Version);
        Assert.Equal(2, events[2].Kv.Version);
        Assert.Equal(a1.Header.Revision, events[2].Kv.CreateRevision);
        Assert.Equal("a1", S(events[2].PrevKv.Value));
        Assert.Equal(a1.Header.Revision, events[2].PrevKv.ModRevision);
        Assert.Equal("a2", S(events[3].PrevKv.Value));
        Assert.Equal(a2.Header.Revision, events[3].PrevKv.ModRevision);
        Assert.Equal(2, events[3].PrevKv.Version);

        // A delete event's kv is only the key and the revision of the delete.
        Assert.True(events[3].Kv.Value.IsEmpty);
        Assert.Equal(0, events[3].Kv.Version);
        Assert.Equal(0, events[3].Kv.CreateRevision);
    }

    [Fact]
    public async Task Watch_PrevKv_IsTheWholePreviousKeyValueLeaseIncluded()
    {
        var key = NewPrefix() + "k";
        var grant = await Leases.LeaseGrantAsync(new LeaseGrantRequest { TTL = 60 });
        try
        {
            await using var stream = new WatchStream(Watcher);
            var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(key), PrevKv = true });

            var first = await PutAsync(key, "leased", lease: grant.ID);
            var second = await PutAsync(key, "free");
            var delete = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(key) });
            var events = await stream.EventsAsync(created.WatchId, 3);

            var afterLeased = events[1].PrevKv;
            Assert.Equal(key, S(afterLeased.Key));
            Assert.Equal("leased", S(afterLeased.Value));
            Assert.Equal(first.Header.Revision, afterLeased.CreateRevision);
            Assert.Equal(first.Header.Revision, afterLeased.ModRevision);
            Assert.Equal(1, afterLeased.Version);
            Assert.Equal(grant.ID, afterLeased.Lease);
            var beforeDelete = events[2].PrevKv;
            Assert.Equal("free", S(beforeDelete.Value));
            Assert.Equal(second.Header.Revision, beforeDelete.ModRevision);
            Assert.Equal(2, beforeDelete.Version);
            Assert.Equal(0, beforeDelete.Lease);
            Assert.Equal(delete.Header.Revision, events[2].Kv.ModRevision);
        }
        finally
        {
            await Leases.LeaseRevokeAsync(new LeaseRevokeRequest { ID = grant.ID });
        }
    }

    [Fact]
    public async Task Watch_FromAFutureRevision_SendsOnlyEventsFromThere()
    {
        var key = NewPrefix() + "k";
        await using var stream = new WatchStream(Watcher);
        var start = await CurrentRevisionAsync() + 2;

        var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(key), StartRevision = start });
        var puts = new List<long>();
        for (var i = 0; i < 4; i++)
            puts.Add((await PutAsync(key, $"v{i}")).Header.Revision);
        // Other tests' writes may have passed the start already: then every put is expected.
        var expected = puts.Where(revision => revision >= start).ToList();
        var events = await stream.EventsAsync(created.WatchId, expected.Count);

        Assert.False(created.Canceled);
        Assert.Equal(expected, events.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task Watch_WithoutPrevKv_SendsNoPrevKv()
    {
        var key = NewPrefix() + "k";
        await using var stream = new WatchStream(Watcher);
        var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(key) });

        await PutAsync(key, "v1");
        await PutAsync(key, "v2");
        var events = await stream.EventsAsync(created.WatchId, 2);

        Assert.All(events, e => Assert.Null(e.PrevKv));
    }

    [Fact]
    public async Task Watch_OneKey_SeesOnlyThatKey()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);
        var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix + "k") });

        await PutAsync(prefix + "j", "other");
        await PutAsync(prefix + "kk", "longer");
        var mine = await PutAsync(prefix + "k", "mine");
        var events = await stream.EventsAsync(created.WatchId, 1);

        var only = Assert.Single(events);
        Assert.Equal(prefix + "k", S(only.Kv.Key));
        Assert.Equal(mine.Header.Revision, only.Kv.ModRevision);
    }

    [Fact]
    public async Task Watch_PutRightAfterCreated_IsNeverMissed()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);
        for (var i = 0; i < 20; i++)
        {
            var key = $"{prefix}k{i:D2}";
            var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(key) });
            var put = await PutAsync(key, "v");

            var events = await stream.EventsAsync(created.WatchId, 1);

            Assert.Equal(put.Header.Revision, Assert.Single(events).Kv.ModRevision);
            await stream.CancelAsync(created.WatchId);
        }
    }

    [Fact]
    public async Task Watch_FromNow_DoesNotSendWritesMadeBeforeTheCreate()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);
        for (var i = 0; i < 25; i++)
        {
            var key = $"{prefix}k{i:D2}";
            var before = await PutAsync(key, "before");
            var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(key) });
            var after = await PutAsync(key, "after");

            var first = (await stream.EventsAsync(created.WatchId, 1))[0];

            Assert.True(after.Header.Revision == first.Kv.ModRevision && created.Header.Revision >= before.Header.Revision,
                $"watch {i}, created (header revision {created.Header.Revision}) after the put at {before.Header.Revision}, " +
                $"sent first the event at {first.Kv.ModRevision} ({S(first.Kv.Value)}); the put after the create is at {after.Header.Revision}");
            await stream.CancelAsync(created.WatchId);
        }
    }

    [Fact]
    public async Task Watch_ClientChosenId_IsUsed_ADuplicateIsRefused()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);

        var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix + "k"), WatchId = 7 });
        var duplicate = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix + "j"), WatchId = 7 });
        var put = await PutAsync(prefix + "k", "v");
        var events = await stream.EventsAsync(7, 1);

        Assert.Equal(7, created.WatchId);
        Assert.False(created.Canceled);
        Assert.True(duplicate.Canceled);
        Assert.Equal(StreamWatchId, duplicate.WatchId);
        Assert.Equal("mvcc: duplicate watch ID provided on the WatchStream", duplicate.CancelReason);
        Assert.Equal(put.Header.Revision, Assert.Single(events).Kv.ModRevision);
    }

    [Fact]
    public async Task Watch_EmptyRange_IsRefused()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);

        var refused = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix + "b"), RangeEnd = B(prefix + "a") });

        Assert.True(refused.Canceled);
        Assert.Equal(StreamWatchId, refused.WatchId);
        Assert.Equal("mvcc: watcher range is empty", refused.CancelReason);
    }

    [Fact]
    public async Task Watch_NoPutFilter_DeliversOnlyDeletes()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);
        var created = await stream.CreateAsync(new WatchCreateRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            Filters = { FilterType.Noput },
        });

        await PutAsync(prefix + "a", "1");
        await PutAsync(prefix + "a", "2");
        var delete = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix + "a") });
        var events = await stream.EventsAsync(created.WatchId, 1);

        var only = Assert.Single(events);
        Assert.Equal(EventType.Delete, only.Type);
        Assert.Equal(delete.Header.Revision, only.Kv.ModRevision);
    }

    [Fact]
    public async Task Watch_NoDeleteFilter_DeliversOnlyPuts()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);
        var created = await stream.CreateAsync(new WatchCreateRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            Filters = { FilterType.Nodelete },
        });

        await PutAsync(prefix + "a", "1");
        await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix + "a") });
        var last = await PutAsync(prefix + "b", "2");
        var events = await stream.EventsAsync(created.WatchId, 2);

        Assert.All(events, e => Assert.Equal(EventType.Put, e.Type));
        Assert.Equal(last.Header.Revision, events[1].Kv.ModRevision);
    }

    [Fact]
    public async Task Watch_FromAPastRevision_ReplaysTheHistory()
    {
        var prefix = NewPrefix();
        var v1 = await PutAsync(prefix + "k", "v1");
        var v2 = await PutAsync(prefix + "k", "v2");
        var delete = await Kv.DeleteRangeAsync(new DeleteRangeRequest { Key = B(prefix + "k") });
        var v3 = await PutAsync(prefix + "k", "v3");
        await using var stream = new WatchStream(Watcher);

        var created = await stream.CreateAsync(new WatchCreateRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            StartRevision = v2.Header.Revision,
            PrevKv = true,
        });
        var events = await stream.EventsAsync(created.WatchId, 3);
        var fromStart = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix + "k"), StartRevision = v1.Header.Revision });
        var all = await stream.EventsAsync(fromStart.WatchId, 4);

        Assert.Equal([EventType.Put, EventType.Delete, EventType.Put], events.Select(e => e.Type));
        Assert.Equal([v2.Header.Revision, delete.Header.Revision, v3.Header.Revision], events.Select(e => e.Kv.ModRevision));
        Assert.Equal("v2", S(events[0].Kv.Value));
        Assert.Equal("v1", S(events[0].PrevKv.Value));
        Assert.Equal("v2", S(events[1].PrevKv.Value));
        Assert.Null(events[2].PrevKv);
        Assert.Equal(v3.Header.Revision, events[2].Kv.CreateRevision);
        Assert.Equal(1, events[2].Kv.Version);
        Assert.Equal([v1.Header.Revision, v2.Header.Revision, delete.Header.Revision, v3.Header.Revision], all.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task Watch_Cancel_RespondsCanceledAndStopsEvents()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);
        var canceledWatch = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix + "a") });
        var liveWatch = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix + "b") });

        var canceled = await stream.CancelAsync(canceledWatch.WatchId);
        await PutAsync(prefix + "a", "after-cancel");
        var b = await PutAsync(prefix + "b", "still-watched");
        var events = await stream.EventsAsync(liveWatch.WatchId, 1);

        Assert.True(canceled.Canceled);
        Assert.Equal(canceledWatch.WatchId, canceled.WatchId);
        Assert.Empty(canceled.Events);
        Assert.Equal(b.Header.Revision, Assert.Single(events).Kv.ModRevision);
        // Events go out in revision order: had the canceled watch sent one for "a", it would have come first.
        Assert.DoesNotContain(stream.Seen, response => response.WatchId == canceledWatch.WatchId && response.Events.Count > 0);
    }

    [Fact]
    public async Task Watch_ProgressRequest_AnswersForTheStreamAtLeastAtTheLastWrite()
    {
        var prefix = NewPrefix();
        await using var stream = new WatchStream(Watcher);
        var created = await stream.CreateAsync(new WatchCreateRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix) });
        var put = await PutAsync(prefix + "k", "v");
        await stream.EventsAsync(created.WatchId, 1);

        await stream.SendAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() });
        var progress = await stream.NextAsync(response => response.WatchId == StreamWatchId, "a progress response");

        Assert.Empty(progress.Events);
        Assert.False(progress.Created);
        Assert.False(progress.Canceled);
        Assert.True(progress.Header.Revision >= put.Header.Revision, $"progress at {progress.Header.Revision}, last put {put.Header.Revision}");
    }

    [Fact]
    public async Task Watch_ProgressNotify_SendsAnEmptyResponseWhenIdle()
    {
        var prefix = NewPrefix();
        var put = await PutAsync(prefix + "k", "v");
        await using var stream = new WatchStream(Watcher);

        var created = await stream.CreateAsync(new WatchCreateRequest
        {
            Key = B(prefix),
            RangeEnd = PrefixEnd(prefix),
            StartRevision = put.Header.Revision + 1,
            ProgressNotify = true,
        });
        var progress = await stream.NextAsync(response => response.WatchId == created.WatchId && !response.Created,
            "a progress notification", EtcdApiTarget.ProgressNotifyInterval * 5);

        Assert.Empty(progress.Events);
        Assert.False(progress.Canceled);
        Assert.True(progress.Header.Revision >= put.Header.Revision, $"progress at {progress.Header.Revision}, last put {put.Header.Revision}");
    }
}
