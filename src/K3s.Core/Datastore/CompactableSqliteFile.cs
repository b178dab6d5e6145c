using System.Globalization;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Datastore;

/// <summary>
/// A kine state.db compacted directly with kine's rule, a batch of revisions per transaction, as
/// kine's own compactor does; then checkpointed and, on request, vacuumed. Planning reads through a
/// read-only connection: a read-write one, once closed, checkpoints the WAL and so changes the file.
/// </summary>
public sealed class CompactableSqliteFile : CompactableDatastore
{
    // kine's gap rows: deleted, named gap-ID, no history.
    private const string IsGap =
        "(k.deleted != 0 AND k.created = 0 AND k.create_revision = 0 AND k.prev_revision = 0 AND k.name LIKE 'gap-%')";

    // What no read at or after $to can see: each row that a later update or delete of the same key in
    // ($from, $to] replaced, and each tombstone and gap row there. A create's prev_revision is left
    // out: kine writes there the store's revision at the time, which names another key's row. The
    // newest row stays whatever it is: kine's current revision is its id.
    private const string Doomed =
        "SELECT ks.id FROM (" +
        "SELECT kp.prev_revision AS id FROM kine AS kp WHERE kp.name != 'compact_rev_key' AND kp.created = 0 " +
        "AND kp.prev_revision != 0 AND kp.id > $from AND kp.id <= $to " +
        "AND EXISTS (SELECT 1 FROM kine AS ko WHERE ko.id = kp.prev_revision AND ko.name = kp.name) " +
        "UNION SELECT kd.id AS id FROM kine AS kd WHERE kd.name != 'compact_rev_key' AND kd.deleted != 0 AND kd.id > $from AND kd.id <= $to" +
        ") AS ks WHERE ks.id != (SELECT MAX(kc.id) FROM kine AS kc)";

    private const string CompactRevisionSql = "SELECT MAX(prev_revision) FROM kine WHERE name = 'compact_rev_key'";

    private readonly string path;
    private readonly string? servingSocket;
    private readonly SqliteConnection planning;
    private SqliteConnection? writing;

    private CompactableSqliteFile(SqliteDatastoreReader reader, SqliteConnection planning) : base(reader)
    {
        path = reader.Source;
        servingSocket = ServingSocketOf(path);
        this.planning = planning;
    }

    public override string? DatabaseFile => path;

    public override string? VacuumRefusal => servingSocket is null
        ? null
        : $"{path} is in use by the server that answers on {servingSocket}, and VACUUM needs the database to itself: " +
          "stop the server first, or run Optimize-K3sDatastore -Path -Vacuum on a copy of the database.";

    public static CompactableSqliteFile Open(SqliteDatastoreReader reader)
    {
        var planning = OpenConnection(reader.Source, SqliteOpenMode.ReadOnly, busyTimeoutSeconds: 30);
        return new CompactableSqliteFile(reader, planning);
    }

    /// <summary>
    /// A connection to a kine database; read-write ones wait up to <paramref name="busyTimeoutSeconds"/>
    /// for other writers, checkpoints for readers.
    /// </summary>
    internal static SqliteConnection OpenConnection(string path, SqliteOpenMode mode, int busyTimeoutSeconds)
    {
        SqliteLibrary.Initialize();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString());
        try
        {
            connection.Open();
            using var busy = connection.CreateCommand();
            busy.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {busyTimeoutSeconds * 1000}");
            busy.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            var purpose = mode == SqliteOpenMode.ReadOnly ? "for reading" : "for writing";
            throw new DatastoreAccessException(WriteFailed, $"{path}: cannot open the database {purpose} ({e.Message})", e);
        }
    }

    protected override Task<CompactionPlan> PlanAsync(long current, long compact, long target, CancellationToken cancellationToken)
    {
        var plan = new CompactionPlan { Source = path, CurrentRevision = current, CompactRevision = compact, TargetRevision = target };
        if (plan.IsNothingToDo)
            return Task.FromResult(plan);
        using var command = planning.CreateCommand();
        command.CommandText =
            $"WITH doomed(id) AS ({Doomed}) SELECT " +
            $"COALESCE(SUM(CASE WHEN k.deleted = 0 THEN 1 ELSE 0 END), 0), " +
            $"COALESCE(SUM(CASE WHEN k.deleted != 0 AND NOT {IsGap} THEN 1 ELSE 0 END), 0), " +
            $"COALESCE(SUM(CASE WHEN {IsGap} THEN 1 ELSE 0 END), 0), " +
            "COALESCE(SUM(LENGTH(CAST(k.name AS BLOB))), 0), " +
            "COALESCE(SUM(COALESCE(LENGTH(CAST(k.value AS BLOB)), 0) + COALESCE(LENGTH(CAST(k.old_value AS BLOB)), 0)), 0) " +
            "FROM kine AS k WHERE k.id IN (SELECT id FROM doomed)";
        command.Parameters.AddWithValue("$from", compact);
        command.Parameters.AddWithValue("$to", target);
        using var reader = command.ExecuteReader();
        reader.Read();
        return Task.FromResult(plan with
        {
            SupersededRows = reader.GetInt64(0),
            Tombstones = reader.GetInt64(1),
            GapRows = reader.GetInt64(2),
            EstimatedBytes = CompactionPlan.StoredBytes(reader.GetInt64(0) + reader.GetInt64(1) + reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)),
        });
    }

    public override Task<long?> CompactBatchAsync(long from, long to, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<long?>(Write(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var compact = Scalar(connection, transaction, CompactRevisionSql);
            if (compact >= to)
                return 0; // another compactor (a server on this file) got there first
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = $"DELETE FROM kine WHERE name != 'compact_rev_key' AND id IN ({Doomed})";
            delete.Parameters.AddWithValue("$from", Math.Max(from, compact));
            delete.Parameters.AddWithValue("$to", to);
            long removed = delete.ExecuteNonQuery();
            SetCompactRevision(connection, transaction, to);
            transaction.Commit();
            return removed;
        }));
    }

    public override Task<bool?> CheckpointAsync(CancellationToken cancellationToken) =>
        Task.FromResult<bool?>(Write(Checkpoint));

    public override Task VacuumAsync(CancellationToken cancellationToken)
    {
        if (VacuumRefusal is { } refusal)
            throw new DatastoreAccessException(VacuumNeedsStoppedServer, refusal);
        Write(connection =>
        {
            using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "VACUUM";
            return vacuum.ExecuteNonQuery();
        });
        return Task.CompletedTask;
    }

    /// <summary>Moves the WAL into the database and truncates it; false if readers kept it from finishing.</summary>
    internal static bool Checkpoint(SqliteConnection connection)
    {
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var result = checkpoint.ExecuteReader();
        return !result.Read() || result.GetInt64(0) == 0;
    }

    private T Write<T>(Func<SqliteConnection, T> work)
    {
        writing ??= OpenConnection(path, SqliteOpenMode.ReadWrite, busyTimeoutSeconds: 30);
        try
        {
            return work(writing);
        }
        catch (SqliteException e)
        {
            throw new DatastoreAccessException(WriteFailed, $"{path}: {e.Message}", e);
        }
    }

    private static void SetCompactRevision(SqliteConnection connection, SqliteTransaction transaction, long revision)
    {
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE kine SET prev_revision = $revision WHERE name = 'compact_rev_key'";
        update.Parameters.AddWithValue("$revision", revision);
        if (update.ExecuteNonQuery() > 0)
            return;
        // A database kine never started on has no such row yet: write it as kine's first start does.
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) " +
            "VALUES('compact_rev_key', 0, 0, 0, $revision, 0, NULL, NULL)";
        insert.Parameters.AddWithValue("$revision", revision);
        insert.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public override async ValueTask DisposeAsync()
    {
        planning.Dispose();
        await base.DisposeAsync();
        // Last: the last connection to close checkpoints what is left in the WAL.
        writing?.Dispose();
    }
}
