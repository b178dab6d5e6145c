using System.Buffers.Binary;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Datastore;

/// <summary>
/// Backup files: which kind a file is, whether it is whole, and how one is written (to a temporary
/// file beside the target, renamed over it only when complete).
/// </summary>
public static class BackupFile
{
    private const int SqliteHeaderSize = 100;

    private static readonly string[] KineColumns =
        ["id", "name", "created", "deleted", "create_revision", "prev_revision", "lease", "value", "old_value"];

    private static ReadOnlySpan<byte> SqliteMagic => "SQLite format 3\0"u8;

    /// <summary>A SQLite database or a dump, told by the first bytes; anything else is refused.</summary>
    public static BackupKind KindOf(string path)
    {
        Span<byte> head = stackalloc byte[16];
        int read;
        using (var stream = File.OpenRead(path))
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read == head.Length && head.SequenceEqual(SqliteMagic))
            return BackupKind.Sqlite;
        if (read > 0 && head[0] == (byte)'{')
            return BackupKind.Dump;
        throw new BackupException(BackupException.BackupCorrupt,
            read == 0 ? $"{path}: the file is empty" : $"{path}: neither a SQLite database nor a K3sPs datastore dump");
    }

    /// <summary>Reads the whole backup and checks it; throws <see cref="BackupException"/> if it is not whole.</summary>
    public static Task<BackupContents> VerifyAsync(string path, BackupProgress progress, CancellationToken cancellationToken) =>
        KindOf(path) == BackupKind.Sqlite
            ? Task.Run(() => VerifySqlite(path, progress, cancellationToken), cancellationToken)
            : DumpReader.ReadAsync(path, null, null, progress, cancellationToken);

    /// <summary>A SQLite backup: whole pages, PRAGMA integrity_check, and kine's table.</summary>
    public static BackupContents VerifySqlite(string path, BackupProgress progress, CancellationToken cancellationToken)
    {
        progress.Report($"Checking {Path.GetFileName(path)} (PRAGMA integrity_check)");
        CheckSqliteLength(path);
        try
        {
            using var connection = OpenReadOnly(path);
            using var interrupt = InterruptOnCancel(connection, cancellationToken);
            var problems = new List<string>();
            using (var check = connection.CreateCommand())
            {
                check.CommandText = "PRAGMA integrity_check(10)";
                using var reader = check.ExecuteReader();
                while (reader.Read())
                    problems.Add(reader.GetString(0));
            }
            if (problems is not ["ok"])
                throw Corrupt(path, "PRAGMA integrity_check found: " + string.Join("; ", problems));
            using (var columns = connection.CreateCommand())
            {
                columns.CommandText = "SELECT name FROM pragma_table_info('kine')";
                using var reader = columns.ExecuteReader();
                var found = new List<string>();
                while (reader.Read())
                    found.Add(reader.GetString(0));
                if (found.Count == 0)
                    throw Corrupt(path, "a SQLite database without kine's table: not a datastore backup");
                if (KineColumns.Except(found).ToList() is { Count: > 0 } missing)
                    throw Corrupt(path, $"the kine table lacks the columns {string.Join(", ", missing)}");
            }
            var (revision, keys) = Count(connection);
            return new BackupContents(BackupKind.Sqlite, revision, keys);
        }
        catch (SqliteException e) when (cancellationToken.IsCancellationRequested && e.SqliteErrorCode == 9) // SQLITE_INTERRUPT
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw Corrupt(path, e.Message, e);
        }
    }

    /// <summary>Stops the connection's statement on cancellation: sqlite3_interrupt is the one call meant for another thread.</summary>
    internal static CancellationTokenRegistration InterruptOnCancel(SqliteConnection connection, CancellationToken cancellationToken) =>
        cancellationToken.Register(() => SQLitePCL.raw.sqlite3_interrupt(connection.Handle));

    /// <summary>
    /// kine's current revision (its largest row id) and the keys live at it: those whose latest row is
    /// not a delete. Grouped rather than correlated, so that it takes one pass even without kine's indexes.
    /// </summary>
    internal static (long Revision, long Keys) Count(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT (SELECT MAX(id) FROM kine), " +
            "(SELECT COUNT(*) FROM (SELECT MAX(id) AS id FROM kine GROUP BY name) AS latest JOIN kine AS kv ON kv.id = latest.id " +
            "WHERE kv.deleted = 0 AND kv.name != 'compact_rev_key')";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (Int64(reader, 0), Int64(reader, 1));
    }

    internal static SqliteConnection OpenReadOnly(string path)
    {
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
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A file cut short is found before SQLite reads it: the header's page count (valid when its
    /// version-valid-for number equals the change counter) must fit in the file, and the file must
    /// hold whole pages.
    /// </summary>
    private static void CheckSqliteLength(string path)
    {
        var header = new byte[SqliteHeaderSize];
        long length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.Length;
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
                throw Corrupt(path, $"{length} bytes: shorter than a SQLite header; the file is truncated");
        }
        var rawPageSize = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        long pageSize = rawPageSize == 1 ? 65536 : rawPageSize;
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
            throw Corrupt(path, $"the header's page size {pageSize} is not valid");
        if (length % pageSize != 0)
            throw Corrupt(path, $"{length} bytes is not a whole number of {pageSize}-byte pages; the file is truncated");
        var changeCounter = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(24));
        long pages = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(28));
        var validFor = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(92));
        if (validFor == changeCounter && pages * pageSize > length)
            throw Corrupt(path, $"the header counts {pages} pages ({pages * pageSize} bytes) but the file has {length} bytes; the file is truncated");
    }

    /// <summary>A new file name in the target's folder, so that the final rename stays on one file system.</summary>
    internal static string TemporaryBeside(string target) =>
        Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.partial");

    /// <summary>Makes a complete temporary file durable, then gives it the target's name in one rename.</summary>
    internal static void Commit(string temporary, string target, bool overwrite)
    {
        using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            stream.Flush(flushToDisk: true);
        try
        {
            File.Move(temporary, target, overwrite);
        }
        catch (IOException) when (!overwrite && File.Exists(target))
        {
            throw new BackupException(BackupException.BackupExists, $"{target}: the file exists (it appeared while the backup ran); use -Force to overwrite it");
        }
    }

    /// <summary>Removes what a failed or cancelled write left, SQLite's journal beside it included.</summary>
    internal static void Discard(string temporary)
    {
        foreach (var path in new[] { temporary, temporary + "-journal", temporary + "-wal", temporary + "-shm" })
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Left behind under a name that says what it is (.partial); nothing else depends on it.
            }
            catch (UnauthorizedAccessException)
            {
                // As above.
            }
        }
    }

    internal static BackupException Corrupt(string path, string why, Exception? inner = null) =>
        new(BackupException.BackupCorrupt, $"{path}: not a usable backup: {why}", inner);

    private static long Int64(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
