using System.Data.Common;
using K3s.Core.Datastore;
using Microsoft.Data.Sqlite;

namespace K3s.Kine.Sql;

/// <summary>
/// SQLite, the default datastore: a file under the data dir in WAL mode. One connection writes
/// (SQLite allows one writer), many read. Writes use synchronous=FULL: with group commit the fsync
/// per commit is shared by every write in the batch, and an acknowledged write survives power loss
/// as it does in etcd, not only a crash of the process. The WAL is checkpointed in the background
/// (<see cref="WalCheckpointer"/>), never inside a commit.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    private static readonly string[] KineColumns =
        ["id", "name", "created", "deleted", "create_revision", "prev_revision", "lease", "value", "old_value"];

    private readonly string connectionString;
    private WalCheckpointer? checkpointer;

    public SqliteDialect(DatastoreEndpoint endpoint) : base(endpoint)
    {
        SqliteLibrary.Initialize();
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = endpoint.ConnectionString,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false, // sessions are pooled by SqlDialect, with their prepared statements
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path => Endpoint.ConnectionString;

    public override DatabaseKind Kind => DatabaseKind.Sqlite;

    public override bool HasSingleWriter => true;

    protected override bool KeepsSessions => true;

    public override System.Data.IsolationLevel WriteIsolation => System.Data.IsolationLevel.Serializable;

    public override string InsertReturningIdSql => InsertColumns + " RETURNING id";

    public override Task PrepareAsync(CancellationToken cancellationToken)
    {
        CheckIsSqliteFile();
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        if (!Directory.Exists(directory))
        {
            // The datastore holds the cluster's secrets: only its owner may enter the folder.
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(directory);
            else
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        try
        {
            using var connection = OpenConnection();
            CheckIsKineDatabase(connection);
            Execute(connection, "PRAGMA journal_mode=WAL");
            foreach (var statement in KineSqliteSchema.Kine)
                Execute(connection, statement);
            Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            // Reading the newest row touches the end of the table: a truncated file fails here, not later.
            Execute(connection, "SELECT MAX(id), COUNT(*) FROM kine WHERE id > (SELECT MAX(id) - 100 FROM kine)");
            checkpointer ??= new WalCheckpointer(OpenWriteConnection());
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, SQLITE_NOTADB
        {
            throw new DatastoreException($"{Path}: the database file is corrupt or not a SQLite database ({e.Message})", e);
        }
        return Task.CompletedTask;
    }

    protected override DbConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        // A page cache that holds a list's pages (SQLite's default is 2 MiB): reads then stop going to the
        // file for every page. Memory-mapping the file did as well for reads but cost writes: every
        // connection remaps as the file grows.
        Execute(connection, "PRAGMA cache_size=-32768");
        return connection;
    }

    protected override DbConnection OpenWriteConnection()
    {
        var connection = OpenConnection();
        // wal_autocheckpoint=0: the background checkpointer does it, outside the writer's commits.
        Execute(connection, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA wal_autocheckpoint=0");
        return connection;
    }

    public override async ValueTask DisposeAsync()
    {
        if (checkpointer is not null)
            await checkpointer.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Deferred: a reader takes no lock until it reads, and never blocks the writer (WAL).</summary>
    public override DbTransaction BeginRead(SqlSession session) => ((SqliteConnection)session.Connection).BeginTransaction(deferred: true);

    public override long DatabaseSize(SqlSession session, DbTransaction? transaction)
    {
        var command = session.Command(transaction, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
        var size = Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        var wal = new FileInfo(Path + "-wal");
        return size + (wal.Exists ? wal.Length : 0);
    }

    /// <summary>kine's post-compaction checkpoint, so the WAL does not keep the removed rows' pages.</summary>
    public override void AfterCompaction(SqlSession session) => Execute(session.Connection, "PRAGMA wal_checkpoint(PASSIVE)");

    /// <summary>
    /// kine declares <c>name INTEGER</c>, so SQLite turns a bound that reads as a number (the "0" that
    /// ends the prefix "/") into a number, which sorts before every text. Comparing with <c>+name</c>
    /// drops the column's affinity and keeps text order, at the cost of the index; other bounds keep it.
    /// </summary>
    public override string NameExpression(string column, KeyRange range) =>
        LooksNumeric(range.Start) || (range.End is { } end && LooksNumeric(end)) ? "+" + column : column;

    private static bool LooksNumeric(string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 }; // CONSTRAINT_UNIQUE, CONSTRAINT_PRIMARYKEY

    public override bool IsTransientConflict(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 }; // BUSY, LOCKED

    /// <summary>Refuses to open (and so to overwrite) a file that is not a SQLite database at all.</summary>
    private void CheckIsSqliteFile()
    {
        var file = new FileInfo(Path);
        if (!file.Exists || file.Length == 0)
            return;
        Span<byte> header = stackalloc byte[16];
        using (var stream = file.OpenRead())
        {
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length
                || !header.SequenceEqual("SQLite format 3\0"u8))
            {
                throw new DatastoreException($"{Path}: not a SQLite database; refusing to use it as the datastore");
            }
        }
    }

    /// <summary>Refuses a SQLite database that holds other tables but not kine's, or a kine table of another shape.</summary>
    private void CheckIsKineDatabase(DbConnection connection)
    {
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                tables.Add(reader.GetString(0));
        }
        if (tables.Count == 0)
            return;
        if (!tables.Contains("kine"))
            throw new DatastoreException($"{Path}: not a kine database (it has the tables {string.Join(", ", tables)} but no kine table)");
        var columns = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM pragma_table_info('kine')";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                columns.Add(reader.GetString(0));
        }
        var missing = KineColumns.Except(columns).ToList();
        if (missing.Count > 0)
            throw new DatastoreException($"{Path}: the kine table lacks the columns {string.Join(", ", missing)}");
    }
}
