using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Datastore;

/// <summary>
/// A kine state.db (written by k3s or K3sPs) opened read-only: the same rows the etcd API would
/// give, read straight from kine's table while a server may still be writing it.
/// </summary>
public sealed class SqliteDatastoreReader : IDatastoreReader
{
    // kine's own rows: the compact revision's holder and the gap fillers (deleted, named gap-ID, no history).
    private const string KeyRows =
        "name != 'compact_rev_key' AND NOT (deleted = 1 AND created = 0 AND create_revision = 0 AND prev_revision = 0 AND name LIKE 'gap-%')";

    private const string VersionColumn =
        "(SELECT COUNT(*) FROM kine AS vkv WHERE vkv.name = kv.name " +
        "AND vkv.id >= CASE WHEN kv.created = 1 THEN kv.id ELSE kv.create_revision END AND vkv.id <= kv.id)";

    private readonly SqliteConnection connection;

    private SqliteDatastoreReader(string path, SqliteConnection connection)
    {
        Source = path;
        this.connection = connection;
    }

    public string Backend => "sqlite";

    public string Source { get; }

    /// <summary>Opens a state.db read-only; refuses a missing file, or one that is not kine's.</summary>
    public static SqliteDatastoreReader Open(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
            throw new DatastoreAccessException(DatastoreAccessException.FileNotFound, $"{path}: no such file");
        SqliteLibrary.Initialize();
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            connection.Open();
            using var check = connection.CreateCommand();
            check.CommandText = "SELECT COUNT(*) FROM pragma_table_info('kine') WHERE name IN ('id', 'name', 'created', 'deleted', 'create_revision', 'prev_revision', 'lease', 'value')";
            if (Convert.ToInt64(check.ExecuteScalar(), CultureInfo.InvariantCulture) != 8)
                throw new DatastoreAccessException(DatastoreAccessException.NotKine, $"{path}: not a kine database (no kine table)");
            return new SqliteDatastoreReader(path, connection);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new DatastoreAccessException(DatastoreAccessException.NotKine, $"{path}: not a readable SQLite database ({e.Message})", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public Task<(long Current, long Compact)> GetRevisionsAsync(CancellationToken cancellationToken)
    {
        using var command = Command(
            "SELECT (SELECT MAX(id) FROM kine), (SELECT MAX(prev_revision) FROM kine WHERE name = 'compact_rev_key')");
        using var reader = command.ExecuteReader();
        reader.Read();
        return Task.FromResult((Int64(reader, 0), Int64(reader, 1)));
    }

    public async IAsyncEnumerable<DatastoreRow> ListAsync(KeySelection keys, long revision,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (current, compact) = await GetRevisionsAsync(cancellationToken);
        if (revision > current)
            throw new DatastoreAccessException(DatastoreAccessException.FutureRevision, $"revision {revision} is after the current revision {current}");
        if (revision > 0 && revision < compact)
            throw new DatastoreAccessException(DatastoreAccessException.Compacted, $"revision {revision} has been compacted (compact revision {compact})");
        using var command = Command(
            $"SELECT kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.lease, kv.value, {VersionColumn} " +
            $"FROM kine AS kv WHERE {Selection(keys, "kv.name")} AND {KeyRows} AND kv.deleted = 0 " +
            "AND kv.id = (SELECT MAX(mkv.id) FROM kine AS mkv WHERE mkv.name = kv.name AND mkv.id <= $revision) ORDER BY kv.name");
        Bind(command, keys);
        command.Parameters.AddWithValue("$revision", revision > 0 ? revision : current);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Row(reader, Int64(reader, 8));
        }
    }

    public IAsyncEnumerable<DatastoreRow> HistoryAsync(KeySelection keys, CancellationToken cancellationToken) =>
        RowsAfterAsync(keys, 0, cancellationToken);

    public async IAsyncEnumerable<DatastoreRow> WatchAsync(KeySelection keys, long fromRevision,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A file has no notifications: read what was appended, every half second, as kine's poller does.
        var after = fromRevision > 0 ? fromRevision - 1 : (await GetRevisionsAsync(cancellationToken)).Current;
        while (true)
        {
            await foreach (var row in RowsAfterAsync(keys, after, cancellationToken))
            {
                after = row.Revision;
                yield return row;
            }
            after = Math.Max(after, (await GetRevisionsAsync(cancellationToken)).Current);
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    public Task<DatastoreFileFacts?> GetFileFactsAsync(CancellationToken cancellationToken)
    {
        using var command = Command(
            "SELECT COUNT(*) FROM kine WHERE deleted = 1 AND created = 0 AND create_revision = 0 AND prev_revision = 0 AND name LIKE 'gap-%'");
        var gaps = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        var wal = new FileInfo(Source + "-wal");
        return Task.FromResult<DatastoreFileFacts?>(new DatastoreFileFacts(new FileInfo(Source).Length, wal.Exists ? wal.Length : 0, gaps));
    }

    /// <summary>Stored rows of user keys after a revision, oldest first; versions as kine counts them.</summary>
    private async IAsyncEnumerable<DatastoreRow> RowsAfterAsync(KeySelection keys, long after,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var command = Command(
            $"SELECT kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.lease, kv.value, {VersionColumn} " +
            $"FROM kine AS kv WHERE kv.id > $after AND {Selection(keys, "kv.name")} AND {KeyRows} ORDER BY kv.id");
        Bind(command, keys);
        command.Parameters.AddWithValue("$after", after);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Row(reader, Int64(reader, 8));
        }
    }

    private static DatastoreRow Row(SqliteDataReader reader, long version)
    {
        var id = Int64(reader, 0);
        var created = Int64(reader, 2) != 0;
        var deleted = Int64(reader, 3) != 0;
        return new DatastoreRow(
            Key: Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture) ?? "",
            Revision: id,
            CreateRevision: created ? id : Int64(reader, 4),
            Version: deleted ? 0 : version,
            Lease: Int64(reader, 6),
            Operation: deleted ? DatastoreOperation.Delete : created ? DatastoreOperation.Create : DatastoreOperation.Update,
            Value: reader.IsDBNull(7) ? [] : (byte[])reader.GetValue(7));
    }

    /// <summary>
    /// kine declares the name column INTEGER, so a bound that reads as a number would be compared as
    /// one; "+name" drops the column's affinity for such bounds and keeps text order.
    /// </summary>
    private static string Selection(KeySelection keys, string column)
    {
        if (!keys.IsPrefix)
            return $"{column} = $key";
        if (keys.Key.Length == 0)
            return "1 = 1";
        var end = End(keys.Key);
        var expression = LooksNumeric(keys.Key) || (end is not null && LooksNumeric(end)) ? "+" + column : column;
        return end is null ? $"{expression} >= $key" : $"{expression} >= $key AND {expression} < $end";
    }

    private static void Bind(SqliteCommand command, KeySelection keys)
    {
        command.Parameters.AddWithValue("$key", keys.Key);
        if (keys.IsPrefix && keys.Key.Length > 0 && End(keys.Key) is { } end)
            command.Parameters.AddWithValue("$end", end);
    }

    /// <summary>The first string after every string with this prefix; null when there is none.</summary>
    private static string? End(string prefix)
    {
        var (_, rangeEnd) = KeySelection.Under(prefix).ToEtcdRange();
        return rangeEnd.Length == 1 && rangeEnd[0] == 0 ? null : rangeEnd.ToStringUtf8();
    }

    private static bool LooksNumeric(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private SqliteCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static long Int64(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    public ValueTask DisposeAsync()
    {
        connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
