using System.Data.Common;
using MySqlConnector;

namespace K3s.Kine.Sql;

/// <summary>MySQL and MariaDB (MySqlConnector): kine's schema with ASCII names and MEDIUMBLOB values.</summary>
public sealed class MySqlDialect : SqlDialect
{
    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS kine
        			(
        				id BIGINT UNSIGNED AUTO_INCREMENT,
        				name VARCHAR(630) CHARACTER SET ascii,
        				created INTEGER,
        				deleted INTEGER,
        				create_revision BIGINT UNSIGNED,
        				prev_revision BIGINT UNSIGNED,
        				lease INTEGER,
        				value MEDIUMBLOB,
        				old_value MEDIUMBLOB,
        				PRIMARY KEY (id)
        			);
        """,
        "CREATE INDEX kine_name_index ON kine (name)",
        "CREATE INDEX kine_name_id_index ON kine (name,id)",
        "CREATE INDEX kine_id_deleted_index ON kine (id,deleted)",
        "CREATE INDEX kine_prev_revision_index ON kine (prev_revision)",
        "CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (name, prev_revision)",
    ];

    private const int DuplicateKeyName = 1061;

    private readonly MySqlDataSource dataSource;

    public MySqlDialect(DatastoreEndpoint endpoint) : base(endpoint) =>
        dataSource = new MySqlDataSource(endpoint.ConnectionString);

    public override DatabaseKind Kind => DatabaseKind.MySql;

    public override string InsertReturningIdSql => InsertColumns + "; SELECT LAST_INSERT_ID()";

    public override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(Endpoint.ConnectionString) { Database = "", Pooling = false };
        await using (var server = new MySqlConnection(builder.ConnectionString))
        {
            await server.OpenAsync(cancellationToken);
            Execute(server, $"CREATE DATABASE IF NOT EXISTS `{Endpoint.Database.Replace("`", "``")}`");
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var statement in Schema)
        {
            try
            {
                Execute(connection, statement);
            }
            catch (MySqlException e) when (e.Number == DuplicateKeyName)
            {
                // MySQL has no CREATE INDEX IF NOT EXISTS: an index that exists is what we want.
            }
        }
    }

    /// <summary>kine's schema stores names as VARCHAR CHARACTER SET ascii: other text cannot be stored or compared.</summary>
    public override void CheckKey(string key)
    {
        if (!System.Text.Ascii.IsValid(key))
            throw K3s.Core.Etcd.EtcdErrors.Error(Grpc.Core.StatusCode.InvalidArgument,
                "k3sps: keys must be ASCII on MySQL and MariaDB (kine's schema stores them as VARCHAR CHARACTER SET ascii)");
    }

    protected override DbConnection OpenConnection() => dataSource.OpenConnection();

    public override long DatabaseSize(SqlSession session, DbTransaction? transaction)
    {
        var command = session.Command(transaction,
            "SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'kine'");
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override bool IsUniqueViolation(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.DuplicateKeyEntry };

    public override bool IsTransientConflict(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await dataSource.DisposeAsync();
    }
}
