using System.Data.Common;
using Npgsql;

namespace K3s.Kine.Sql;

/// <summary>PostgreSQL (Npgsql): kine's schema with <c>name COLLATE "C"</c>, so keys sort as bytes.</summary>
public sealed class PostgresDialect : SqlDialect
{
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS kine
         (
          id BIGSERIAL PRIMARY KEY,
          name text COLLATE "C",
          created INTEGER,
          deleted INTEGER,
          create_revision BIGINT,
          prev_revision BIGINT,
          lease INTEGER,
          value bytea,
          old_value bytea
         );
        """,
        "CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name)",
        "CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name,id)",
        "CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id,deleted)",
        "CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision)",
        "CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)",
        "CREATE INDEX IF NOT EXISTS kine_list_query_index on kine(name, id DESC, deleted)",
    ];

    private readonly NpgsqlDataSource dataSource;

    public PostgresDialect(DatastoreEndpoint endpoint) : base(endpoint) =>
        dataSource = NpgsqlDataSource.Create(endpoint.ConnectionString);

    public override DatabaseKind Kind => DatabaseKind.Postgres;

    public override string InsertReturningIdSql => InsertColumns + " RETURNING id";

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await CreateDatabaseIfMissingAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var statement in Schema)
            Execute(connection, statement);
    }

    private async Task CreateDatabaseIfMissingAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(Endpoint.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", Endpoint.Database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Endpoint.Database.Replace("\"", "\"\"")}\"", connection);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another server created it first.
        }
    }

    protected override DbConnection OpenConnection() => dataSource.OpenConnection();

    public override long DatabaseSize(SqlSession session, DbTransaction? transaction)
    {
        var command = session.Command(transaction, "SELECT pg_total_relation_size('kine')");
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsTransientConflict(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await dataSource.DisposeAsync();
    }
}
