using System.Data;
using System.Data.Common;

namespace K3s.Kine.Sql;

/// <summary>
/// What differs between the databases kine runs on: schema, connections, how an insert
/// returns its id, and how errors read. Everything else is the shared SQL of <see cref="SqlLog"/>.
/// </summary>
public abstract class SqlDialect : IAsyncDisposable
{
    protected SqlDialect(DatastoreEndpoint endpoint) => Endpoint = endpoint;

    public DatastoreEndpoint Endpoint { get; }

    public abstract DatabaseKind Kind { get; }

    /// <summary>SQLite has one writer at a time: its writes are queued and committed in groups.</summary>
    public virtual bool HasSingleWriter => false;

    /// <summary>Isolation of write transactions: compares must see no concurrent change.</summary>
    public virtual IsolationLevel WriteIsolation => IsolationLevel.Serializable;

    /// <summary>Creates the database (if the server allows) and kine's table and indexes, if missing.</summary>
    public abstract Task PrepareAsync(CancellationToken cancellationToken);

    public abstract DbConnection OpenConnection();

    /// <summary>A connection for the writer; SQLite sets its durability on it.</summary>
    public virtual DbConnection OpenWriteConnection() => OpenConnection();

    /// <summary>A read-only snapshot: the statements of one request see the same revision.</summary>
    public virtual DbTransaction BeginRead(DbConnection connection) => connection.BeginTransaction(IsolationLevel.RepeatableRead);

    /// <summary>Refuses a key the database cannot store or compare (see MySQL's override).</summary>
    public virtual void CheckKey(string key)
    {
    }

    /// <summary>The expression to compare key names with, for a given range (see SQLite's override).</summary>
    public virtual string NameExpression(string column, KeyRange range) => column;

    /// <summary>Inserts one row (parameters @name … @old_value) and returns its id.</summary>
    public abstract string InsertReturningIdSql { get; }

    /// <summary>Bytes the database takes on disk.</summary>
    public abstract long DatabaseSize(DbConnection connection, DbTransaction? transaction);

    /// <summary>Another writer took the same (name, prev_revision): the optimistic write lost.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>A transient conflict (serialization failure, deadlock, busy): the whole transaction may be retried.</summary>
    public abstract bool IsTransientConflict(Exception exception);

    /// <summary>Gives back what compaction freed, where the database needs telling (SQLite's WAL).</summary>
    public virtual void AfterCompaction(DbConnection connection)
    {
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static SqlDialect For(DatastoreEndpoint endpoint) => endpoint.Kind switch
    {
        DatabaseKind.Sqlite => new SqliteDialect(endpoint),
        DatabaseKind.Postgres => new PostgresDialect(endpoint),
        DatabaseKind.MySql => new MySqlDialect(endpoint),
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
    };

    protected const string InsertColumns =
        "INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) " +
        "VALUES(@name, @created, @deleted, @create_revision, @prev_revision, @lease, @value, @old_value)";

    protected static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
