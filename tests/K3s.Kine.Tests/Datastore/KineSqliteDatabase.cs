using Microsoft.Data.Sqlite;

namespace K3s.Kine.Tests.Datastore;

/// <summary>
/// A SQLite database laid out by hand exactly as kine (k3s) writes it: kine's DDL, text for text,
/// and rows with the columns kine sets for each kind of write.
/// </summary>
internal static class KineSqliteDatabase
{
    /// <summary>kine's SQLite DDL (pkg/drivers/sqlite/sqlite.go), statement by statement.</summary>
    public static readonly string[] Ddl =
    [
        "CREATE TABLE kine\n\t\t\t(\n\t\t\t\tid INTEGER PRIMARY KEY AUTOINCREMENT,\n\t\t\t\tname INTEGER,\n\t\t\t\tcreated INTEGER,\n" +
        "\t\t\t\tdeleted INTEGER,\n\t\t\t\tcreate_revision INTEGER,\n\t\t\t\tprev_revision INTEGER,\n\t\t\t\tlease INTEGER,\n" +
        "\t\t\t\tvalue BLOB,\n\t\t\t\told_value BLOB\n\t\t\t)",
        "CREATE INDEX kine_name_index ON kine (name)",
        "CREATE INDEX kine_name_id_index ON kine (name,id)",
        "CREATE INDEX kine_id_deleted_index ON kine (id,deleted)",
        "CREATE INDEX kine_prev_revision_index ON kine (prev_revision)",
        "CREATE UNIQUE INDEX kine_name_prev_revision_uindex ON kine (name, prev_revision)",
    ];

    public sealed record Row(long Id, string Name, int Created, int Deleted, long CreateRevision, long PrevRevision, long Lease,
        byte[]? Value, byte[]? OldValue);

    public static void Create(string path, IEnumerable<Row> rows)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL");
        foreach (var statement in Ddl)
            Execute(connection, statement);
        foreach (var row in rows)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO kine(id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) " +
                                 "VALUES($id, $name, $created, $deleted, $create, $prev, $lease, $value, $old)";
            insert.Parameters.AddWithValue("$id", row.Id);
            insert.Parameters.AddWithValue("$name", row.Name);
            insert.Parameters.AddWithValue("$created", row.Created);
            insert.Parameters.AddWithValue("$deleted", row.Deleted);
            insert.Parameters.AddWithValue("$create", row.CreateRevision);
            insert.Parameters.AddWithValue("$prev", row.PrevRevision);
            insert.Parameters.AddWithValue("$lease", row.Lease);
            insert.Parameters.AddWithValue("$value", (object?)row.Value ?? DBNull.Value);
            insert.Parameters.AddWithValue("$old", (object?)row.OldValue ?? DBNull.Value);
            insert.ExecuteNonQuery();
        }
    }

    public static List<Row> ReadRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT id, name, created, deleted, create_revision, prev_revision, lease, value, old_value FROM kine ORDER BY id";
        using var reader = select.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.IsDBNull(7) ? null : (byte[])reader[7], reader.IsDBNull(8) ? null : (byte[])reader[8]));
        }
        return rows;
    }

    /// <summary>The schema's SQL as SQLite keeps it, by object name.</summary>
    public static Dictionary<string, string> Schema(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name LIKE 'kine%'";
        using var reader = select.ExecuteReader();
        var schema = new Dictionary<string, string>();
        while (reader.Read())
            schema[reader.GetString(0)] = reader.GetString(1);
        return schema;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
