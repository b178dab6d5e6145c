using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using K3s.Core.Etcd;
using K3s.Kine.Sql;

namespace K3s.Kine.Tests.Datastore;

/// <summary>A state.db as k3s's kine writes it is read and written correctly, and ours is laid out as kine's.</summary>
public sealed class KineInteropTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>
    /// A history as kine writes it: its compact_rev_key row, a create (prev_revision = the store's revision
    /// of the time), an update, a gap row, a delete (the tombstone keeps the value) and a re-create
    /// (prev_revision = the tombstone).
    /// </summary>
    private static readonly KineSqliteDatabase.Row[] KineHistory =
    [
        new(1, "compact_rev_key", 1, 0, 0, 0, 0, [], null),
        new(2, "/registry/health", 1, 0, 0, 1, 0, Bytes("{\"health\":\"true\"}"), null),
        new(3, "/registry/a", 1, 0, 0, 2, 0, Bytes("a1"), null),
        new(4, "/registry/a", 0, 0, 3, 3, 0, Bytes("a2"), Bytes("a1")),
        new(5, "/registry/b", 1, 0, 0, 4, 0, Bytes("b1"), null),
        new(6, "gap-6", 0, 1, 0, 0, 0, null, null),
        new(7, "/registry/b", 0, 1, 5, 5, 0, Bytes("b1"), Bytes("b1")),
        new(8, "/registry/c", 1, 0, 0, 7, 600, Bytes("c1"), null),
        new(9, "/registry/b", 1, 0, 0, 7, 0, Bytes("b2"), Bytes("b1")),
    ];

    private string Path => System.IO.Path.Combine(directory.Path, "state.db");

    private Task<KineStore> OpenAsync() =>
        KineStore.OpenAsync(DatastoreEndpoint.Parse("sqlite://" + Path, directory.Path), new KineOptions { CompactInterval = TimeSpan.Zero });

    private static RangeRequest Prefix(string prefix, long revision = 0) => new()
    {
        Key = ByteString.CopyFromUtf8(prefix),
        RangeEnd = ByteString.CopyFromUtf8(prefix[..^1] + (char)(prefix[^1] + 1)),
        Revision = revision,
    };

    private static Dictionary<string, KeyValue> ByKey(RangeResponse response) =>
        response.Kvs.ToDictionary(kv => kv.Key.ToStringUtf8());

    [Fact]
    public async Task Reads_the_current_state_with_revisions_and_versions()
    {
        KineSqliteDatabase.Create(Path, KineHistory);
        await using var store = await OpenAsync();

        var response = await store.RangeAsync(Prefix("/registry/"));

        Assert.Equal(9, response.Header.Revision);
        var keys = ByKey(response);
        Assert.Equal(["/registry/a", "/registry/b", "/registry/c", "/registry/health"], keys.Keys.Order());
        Assert.Equal(("a2", 3L, 4L, 2L), (keys["/registry/a"].Value.ToStringUtf8(), keys["/registry/a"].CreateRevision, keys["/registry/a"].ModRevision, keys["/registry/a"].Version));
        Assert.Equal(("b2", 9L, 9L, 1L), (keys["/registry/b"].Value.ToStringUtf8(), keys["/registry/b"].CreateRevision, keys["/registry/b"].ModRevision, keys["/registry/b"].Version));
        Assert.Equal(600, keys["/registry/c"].Lease);
    }

    [Fact]
    public async Task Reads_past_revisions()
    {
        KineSqliteDatabase.Create(Path, KineHistory);
        await using var store = await OpenAsync();

        var atFive = ByKey(await store.RangeAsync(Prefix("/registry/", 5)));
        var atSeven = ByKey(await store.RangeAsync(Prefix("/registry/", 7)));

        Assert.Equal("b1", atFive["/registry/b"].Value.ToStringUtf8());
        Assert.False(atFive.ContainsKey("/registry/c"));
        Assert.False(atSeven.ContainsKey("/registry/b"));
        Assert.Equal("a2", atSeven["/registry/a"].Value.ToStringUtf8());
    }

    [Fact]
    public async Task Replays_the_history_as_events_without_gap_or_bookkeeping_rows()
    {
        KineSqliteDatabase.Create(Path, KineHistory);
        await using var store = await OpenAsync();
        var output = Channel.CreateUnbounded<WatchResponse>();

        await using (await store.WatchAsync(1, new WatchCreateRequest { Key = ByteString.CopyFromUtf8("/"), RangeEnd = ByteString.CopyFrom(0), StartRevision = 1, PrevKv = true }, output.Writer))
        {
            var events = new List<Event>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (events.Count < 7)
                events.AddRange((await output.Reader.ReadAsync(timeout.Token)).Events);

            Assert.Equal(
                ["PUT /registry/health 2", "PUT /registry/a 3", "PUT /registry/a 4", "PUT /registry/b 5", "DELETE /registry/b 7", "PUT /registry/c 8", "PUT /registry/b 9"],
                events.Select(e => $"{e.Type.ToString().ToUpperInvariant()} {e.Kv.Key.ToStringUtf8()} {e.Kv.ModRevision}"));
            Assert.Equal("a1", events[2].PrevKv.Value.ToStringUtf8());
            Assert.Equal(3, events[2].PrevKv.ModRevision);
            Assert.Equal("b1", events[4].PrevKv.Value.ToStringUtf8());
            Assert.Null(events[6].PrevKv); // a create has no previous value, as in kine
        }
    }

    [Fact]
    public async Task Compaction_keeps_rows_that_kine_creates_name_in_prev_revision()
    {
        KineSqliteDatabase.Create(Path, KineHistory);
        await using var store = await OpenAsync();

        await store.CompactAsync(new CompactionRequest { Revision = 8 });

        var keys = ByKey(await store.RangeAsync(Prefix("/registry/")));
        // Row 2 (/registry/health) is the prev_revision of kine's create at row 3; it must survive.
        Assert.Equal("{\"health\":\"true\"}", keys["/registry/health"].Value.ToStringUtf8());
        Assert.Equal(["/registry/a", "/registry/b", "/registry/c", "/registry/health"], keys.Keys.Order());
        var ids = KineSqliteDatabase.ReadRows(Path).Select(row => row.Id).ToList();
        Assert.Equal([1, 2, 4, 8, 9], ids); // superseded a1 (3), b1 (5), the gap (6) and the tombstone (7) are gone
        Assert.Equal(8, KineSqliteDatabase.ReadRows(Path).Single(row => row.Name == "compact_rev_key").PrevRevision);
    }

    [Fact]
    public async Task Writes_rows_laid_out_as_kine_lays_them_out()
    {
        await using (var store = await OpenAsync())
        {
            await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("/k"), Value = ByteString.CopyFromUtf8("v1"), });
            await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("/k"), Value = ByteString.CopyFromUtf8("v2") });
            await store.DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("/k") });
            await store.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("/k"), Value = ByteString.CopyFromUtf8("v3") });
        }

        var rows = KineSqliteDatabase.ReadRows(Path);
        Assert.Equal(new KineSqliteDatabase.Row(1, "compact_rev_key", 1, 0, 0, 0, 0, [], null), rows[0], RowComparer.Instance);
        Assert.Equal(
            [
                new(2, "/k", 1, 0, 0, 0, 0, Bytes("v1"), null),
                new(3, "/k", 0, 0, 2, 2, 0, Bytes("v2"), Bytes("v1")),
                new(4, "/k", 0, 1, 2, 3, 0, Bytes("v2"), Bytes("v2")),
                new(5, "/k", 1, 0, 0, 4, 0, Bytes("v3"), Bytes("v2")),
            ],
            rows.Skip(1), RowComparer.Instance);
    }

    [Fact]
    public async Task Creates_kines_exact_schema()
    {
        await using (await OpenAsync())
        {
        }
        var kinePath = System.IO.Path.Combine(directory.Path, "kine.db");
        KineSqliteDatabase.Create(kinePath, []);

        Assert.Equal(KineSqliteDatabase.Schema(kinePath), KineSqliteDatabase.Schema(Path));
    }

    public void Dispose() => directory.Dispose();

    private sealed class RowComparer : IEqualityComparer<KineSqliteDatabase.Row>
    {
        public static readonly RowComparer Instance = new();

        public bool Equals(KineSqliteDatabase.Row? x, KineSqliteDatabase.Row? y) =>
            x is not null && y is not null
            && (x.Id, x.Name, x.Created, x.Deleted, x.CreateRevision, x.PrevRevision, x.Lease) == (y.Id, y.Name, y.Created, y.Deleted, y.CreateRevision, y.PrevRevision, y.Lease)
            && (x.Value ?? []).AsSpan().SequenceEqual(y.Value ?? []) && (x.OldValue is null) == (y.OldValue is null)
            && (x.OldValue ?? []).AsSpan().SequenceEqual(y.OldValue ?? []);

        public int GetHashCode(KineSqliteDatabase.Row row) => row.Id.GetHashCode();
    }
}
