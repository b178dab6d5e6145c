using System.Security.Cryptography;
using System.Text;
using K3s.Core.Datastore;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Tests.Datastore;

public sealed class OptimizeSqliteFileTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();
    private readonly string path;

    public OptimizeSqliteFileTests() => path = Path.Combine(directory.Path, "state.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Dispose();
    }

    // kine's rows, as kine writes them. A create's prev_revision holds the store's revision at the
    // time: row 3 names row 2, another key's live row, which must survive compaction.
    private static readonly Row[] Log =
    [
        new(1, "compact_rev_key", Created: 0, Deleted: 0, CreateRevision: 0, PrevRevision: 0, null),
        new(2, "/a", Created: 1, Deleted: 0, CreateRevision: 0, PrevRevision: 1, "a1"),
        new(3, "/b", Created: 1, Deleted: 0, CreateRevision: 0, PrevRevision: 2, "b1"),
        new(4, "/a", Created: 0, Deleted: 0, CreateRevision: 2, PrevRevision: 2, "a2", "a1"),
        new(5, "/b", Created: 0, Deleted: 1, CreateRevision: 3, PrevRevision: 3, "b1", "b1"),
        new(6, "gap-6", Created: 0, Deleted: 1, CreateRevision: 0, PrevRevision: 0, null),
        new(7, "/b", Created: 1, Deleted: 0, CreateRevision: 0, PrevRevision: 5, "b2"),
        new(8, "/a", Created: 0, Deleted: 0, CreateRevision: 2, PrevRevision: 4, "a3", "a2"),
        new(9, "/c", Created: 1, Deleted: 0, CreateRevision: 0, PrevRevision: 8, "c1"),
    ];

    [Fact]
    public async Task Plan_CountsWhatKinesRuleRemoves_AndChangesNothing()
    {
        Write(Log);
        var before = SHA256.HashData(File.ReadAllBytes(path));
        await using var datastore = Open();

        var plan = await datastore.PlanAsync(7, CancellationToken.None);

        Assert.Equal((9L, 0L, 7L), (plan.CurrentRevision, plan.CompactRevision, plan.TargetRevision));
        Assert.Equal((2L, 1L, 1L, 4L), (plan.SupersededRows, plan.Tombstones, plan.GapRows, plan.Rows));
        Assert.Equal(CompactionPlan.StoredBytes(rows: 4, keyBytes: 2 + 2 + 2 + 5, valueBytes: 2 + 2 + 2 + 2), plan.EstimatedBytes);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(path)));
    }

    [Fact]
    public async Task Compact_RemovesSupersededRowsTombstonesAndGaps_ButNotTheRowsCreatesName()
    {
        Write(Log);
        await using (var datastore = Open())
        {
            var plan = await datastore.PlanAsync(7, CancellationToken.None);
            Assert.Equal(plan.Rows, await CompactAll(datastore, plan));
        }

        Assert.Equal([1L, 4L, 7L, 8L, 9L], Ids());
        await using var reader = SqliteDatastoreReader.Open(path);
        Assert.Equal((9L, 7L), await reader.GetRevisionsAsync(CancellationToken.None));
        Assert.Equal(["/a@4", "/b@7"], await Keys(reader, 7));
        var refused = await Assert.ThrowsAsync<DatastoreAccessException>(() => Keys(reader, 6));
        Assert.Equal(DatastoreAccessException.Compacted, refused.ErrorId);
    }

    [Fact]
    public async Task Compact_KeepsTheNewestRow_WhichHoldsTheCurrentRevision()
    {
        Write([.. Log, new(10, "/c", Created: 0, Deleted: 1, CreateRevision: 9, PrevRevision: 9, "c1", "c1")]);
        await using (var datastore = Open())
        {
            var plan = await datastore.PlanAsync(10, CancellationToken.None);
            Assert.Equal((1L, 1L), (plan.Tombstones, plan.GapRows)); // /b's at 5; /c's at 10 stays
            await CompactAll(datastore, plan);
        }

        Assert.Equal([1L, 7L, 8L, 10L], Ids());
        await using var reader = SqliteDatastoreReader.Open(path);
        Assert.Equal((10L, 10L), await reader.GetRevisionsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Compact_InBatches_RecordsEachBatchsCompactRevision()
    {
        var rows = new List<Row> { new(1, "compact_rev_key", 0, 0, 0, 0, null), new(2, "/k", 1, 0, 0, 1, "v2") };
        for (var id = 3; id <= 2600; id++)
            rows.Add(new(id, "/k", 0, 0, 2, id - 1, $"v{id}", $"v{id - 1}"));
        Write(rows);
        await using var datastore = Open();
        var plan = await datastore.PlanAsync(2500, CancellationToken.None);

        Assert.Equal([(0L, 1000L), (1000L, 2000L), (2000L, 2500L)], plan.Batches());
        Assert.Equal(998L, await datastore.CompactBatchAsync(0, 1000, CancellationToken.None)); // rows 2..999
        Assert.Equal(1000L, CompactRevision());
        Assert.Equal(1000L, await datastore.CompactBatchAsync(1000, 2000, CancellationToken.None));
        Assert.Equal(0L, await datastore.CompactBatchAsync(0, 2000, CancellationToken.None)); // already there
        Assert.Equal(500L, await datastore.CompactBatchAsync(2000, 2500, CancellationToken.None));
        Assert.Equal(2500L, CompactRevision());
        Assert.Equal(2 + 100, Ids().Count); // compact_rev_key, and /k from revision 2500 on
    }

    [Fact]
    public async Task Plan_DefaultsToTheCurrentRevisionMinusKinesWindow_AndRefusesTheFuture()
    {
        var rows = new List<Row> { new(1, "compact_rev_key", 0, 0, 0, 0, null) };
        for (var id = 2; id <= 1500; id++)
            rows.Add(new(id, $"/k{id}", 1, 0, 0, id - 1, "v"));
        Write(rows);
        await using var datastore = Open();

        var plan = await datastore.PlanAsync(0, CancellationToken.None);
        var future = await Assert.ThrowsAsync<DatastoreAccessException>(() => datastore.PlanAsync(1501, CancellationToken.None));

        Assert.Equal((1500L, 500L, 0L), (plan.CurrentRevision, plan.TargetRevision, plan.Rows));
        Assert.Equal(DatastoreAccessException.FutureRevision, future.ErrorId);
    }

    [Fact]
    public async Task Plan_AtOrBelowTheCompactRevision_HasNothingToDo()
    {
        Write(Log);
        await using var datastore = Open();
        await CompactAll(datastore, await datastore.PlanAsync(7, CancellationToken.None));

        var plan = await datastore.PlanAsync(5, CancellationToken.None);

        Assert.True(plan.IsNothingToDo);
        Assert.Empty(plan.Batches());
        Assert.Contains("already compacted to revision 7, at or past the target revision 5", plan.NothingToDoReason);
    }

    [Fact]
    public async Task Compact_OfADatabaseWithoutACompactRevisionRow_WritesOne()
    {
        Write(Log[1..]);
        await using (var datastore = Open())
            await CompactAll(datastore, await datastore.PlanAsync(4, CancellationToken.None));

        Assert.Equal(4L, CompactRevision());
    }

    [Fact]
    public async Task PlanFromHistory_AgreesWithTheFilesPlan_ApartFromGapRows()
    {
        Write(Log);
        await using var datastore = Open();

        var fromFile = await datastore.PlanAsync(7, CancellationToken.None);
        var fromHistory = await CompactionPlan.FromHistoryAsync(datastore.Reader, 9, 0, 7, CancellationToken.None);

        Assert.Equal((fromFile.SupersededRows, fromFile.Tombstones, 0L), (fromHistory.SupersededRows, fromHistory.Tombstones, fromHistory.GapRows));
        Assert.Equal(fromFile.EstimatedBytes - CompactionPlan.StoredBytes(1, "gap-6".Length, 0), fromHistory.EstimatedBytes);
    }

    [Fact]
    public async Task Vacuum_ShrinksTheFile_AndCheckpointEmptiesTheWal()
    {
        var rows = new List<Row> { new(1, "compact_rev_key", 0, 0, 0, 0, null), new(2, "/k", 1, 0, 0, 1, new string('x', 4000)) };
        for (var id = 3; id <= 500; id++)
            rows.Add(new(id, "/k", 0, 0, 2, id - 1, new string('x', 4000), new string('x', 4000)));
        Write(rows);
        var sizeBefore = new FileInfo(path).Length;
        await using var datastore = Open();

        await CompactAll(datastore, await datastore.PlanAsync(500, CancellationToken.None));
        await datastore.VacuumAsync(CancellationToken.None);
        Assert.True(await datastore.CheckpointAsync(CancellationToken.None));

        var (file, wal) = datastore.FileSizes();
        Assert.Equal(0L, wal);
        Assert.True(file < sizeBefore / 20, $"{file} bytes after, {sizeBefore} before");
    }

    private CompactableDatastore Open() => CompactableDatastore.For(SqliteDatastoreReader.Open(path));

    private static async Task<long> CompactAll(CompactableDatastore datastore, CompactionPlan plan)
    {
        long removed = 0;
        foreach (var (from, to) in plan.Batches())
            removed += await datastore.CompactBatchAsync(from, to, CancellationToken.None) ?? 0;
        return removed;
    }

    private static async Task<List<string>> Keys(IDatastoreReader reader, long revision)
    {
        var keys = new List<string>();
        await foreach (var row in reader.ListAsync(KeySelection.All, revision, CancellationToken.None))
            keys.Add($"{row.Key}@{row.Revision}");
        return keys;
    }

    private sealed record Row(long Id, string Name, int Created, int Deleted, long CreateRevision, long PrevRevision, string? Value, string? OldValue = null);

    private void Write(IEnumerable<Row> rows)
    {
        SqliteLibrary.Initialize();
        using var connection = Connection();
        Execute(connection, "PRAGMA journal_mode=WAL");
        Execute(connection, "CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name INTEGER, created INTEGER, deleted INTEGER, " +
            "create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB)");
        Execute(connection, "CREATE INDEX kine_name_index ON kine (name)");
        Execute(connection, "CREATE INDEX kine_name_id_index ON kine (name,id)");
        Execute(connection, "CREATE INDEX kine_id_deleted_index ON kine (id,deleted)");
        Execute(connection, "CREATE INDEX kine_prev_revision_index ON kine (prev_revision)");
        Execute(connection, "CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (name, prev_revision)");
        using var transaction = connection.BeginTransaction();
        foreach (var row in rows)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO kine VALUES ($id, $name, $created, $deleted, $createRevision, $prevRevision, 0, $value, $oldValue)";
            insert.Parameters.AddWithValue("$id", row.Id);
            insert.Parameters.AddWithValue("$name", row.Name);
            insert.Parameters.AddWithValue("$created", row.Created);
            insert.Parameters.AddWithValue("$deleted", row.Deleted);
            insert.Parameters.AddWithValue("$createRevision", row.CreateRevision);
            insert.Parameters.AddWithValue("$prevRevision", row.PrevRevision);
            insert.Parameters.AddWithValue("$value", row.Value is null ? DBNull.Value : Encoding.UTF8.GetBytes(row.Value));
            insert.Parameters.AddWithValue("$oldValue", row.OldValue is null ? DBNull.Value : Encoding.UTF8.GetBytes(row.OldValue));
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private List<long> Ids()
    {
        using var connection = Connection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM kine ORDER BY id";
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read())
            ids.Add(reader.GetInt64(0));
        return ids;
    }

    private long CompactRevision()
    {
        using var connection = Connection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT prev_revision FROM kine WHERE name = 'compact_rev_key'";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private SqliteConnection Connection()
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
