using System.Collections.Concurrent;
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

    protected abstract DbConnection OpenConnection();

    /// <summary>A connection for the writer; SQLite sets its durability on it.</summary>
    protected virtual DbConnection OpenWriteConnection() => OpenConnection();

    /// <summary>
    /// Whether sessions go back to a pool of this dialect's own when disposed, keeping their prepared
    /// statements (SQLite); otherwise the driver pools connections and statements are per session.
    /// </summary>
    protected virtual bool KeepsSessions => false;

    private const int MaxIdleSessions = 16;
    private readonly ConcurrentBag<SqlSession> idleSessions = [];

    public SqlSession OpenSession() =>
        KeepsSessions && idleSessions.TryTake(out var session) ? session : new SqlSession(OpenConnection(), KeepsSessions, KeepsSessions ? Release : null);

    /// <summary>A session for writes: SQLite's writer holds one for its lifetime, other writers one per write.</summary>
    public SqlSession OpenWriteSession() => new(OpenWriteConnection(), KeepsSessions, null);

    private void Release(SqlSession session)
    {
        if (idleSessions.Count < MaxIdleSessions)
            idleSessions.Add(session);
        else
            session.Close();
    }

    /// <summary>A read-only snapshot: the statements of one request see the same revision.</summary>
    public virtual DbTransaction BeginRead(SqlSession session) => session.Connection.BeginTransaction(IsolationLevel.RepeatableRead);

    /// <summary>Refuses a key the database cannot store or compare (see MySQL's override).</summary>
    public virtual void CheckKey(string key)
    {
    }

    /// <summary>The expression to compare key names with, for a given range (see SQLite's override).</summary>
    public virtual string NameExpression(string column, KeyRange range) => column;

    /// <summary>Inserts one row (parameters @name … @old_value) and returns its id.</summary>
    public abstract string InsertReturningIdSql { get; }

    /// <summary>Bytes the database takes on disk.</summary>
    public abstract long DatabaseSize(SqlSession session, DbTransaction? transaction);

    /// <summary>Another writer took the same (name, prev_revision): the optimistic write lost.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>A transient conflict (serialization failure, deadlock, busy): the whole transaction may be retried.</summary>
    public abstract bool IsTransientConflict(Exception exception);

    /// <summary>Gives back what compaction freed, where the database needs telling (SQLite's WAL).</summary>
    public virtual void AfterCompaction(SqlSession session)
    {
    }

    public virtual ValueTask DisposeAsync()
    {
        while (idleSessions.TryTake(out var session))
            session.Close();
        return ValueTask.CompletedTask;
    }

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
