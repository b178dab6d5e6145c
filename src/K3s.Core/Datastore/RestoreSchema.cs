namespace K3s.Core.Datastore;

/// <summary>
/// The tables a state.db restored from a dump gets: kine's, byte for byte the DDL of kine's SQLite
/// driver (and of K3s.Kine's SqliteDialect, which the module does not reference), and K3sPs's
/// lease table (K3s.Kine's LeaseTable). A server opening the database finds them as it made them.
/// </summary>
public static class RestoreSchema
{
    public static readonly IReadOnlyList<string> Kine =
    [
        "CREATE TABLE IF NOT EXISTS kine\n\t\t\t(\n\t\t\t\tid INTEGER PRIMARY KEY AUTOINCREMENT,\n\t\t\t\tname INTEGER,\n\t\t\t\tcreated INTEGER,\n" +
        "\t\t\t\tdeleted INTEGER,\n\t\t\t\tcreate_revision INTEGER,\n\t\t\t\tprev_revision INTEGER,\n\t\t\t\tlease INTEGER,\n" +
        "\t\t\t\tvalue BLOB,\n\t\t\t\told_value BLOB\n\t\t\t)",
        "CREATE INDEX IF NOT EXISTS kine_name_index ON kine (name)",
        "CREATE INDEX IF NOT EXISTS kine_name_id_index ON kine (name,id)",
        "CREATE INDEX IF NOT EXISTS kine_id_deleted_index ON kine (id,deleted)",
        "CREATE INDEX IF NOT EXISTS kine_prev_revision_index ON kine (prev_revision)",
        "CREATE UNIQUE INDEX IF NOT EXISTS kine_name_prev_revision_uindex ON kine (name, prev_revision)",
    ];

    public const string Leases =
        "CREATE TABLE IF NOT EXISTS k3sps_lease (id BIGINT NOT NULL PRIMARY KEY, ttl BIGINT NOT NULL, expires_at BIGINT NOT NULL)";

    /// <summary>A create, as kine writes one: created = 1, its create revision is its own id (stored as 0), nothing before it.</summary>
    public const string InsertKey =
        "INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) " +
        "VALUES($name, 1, 0, 0, 0, $lease, $value, NULL)";

    public const string InsertLease = "INSERT INTO k3sps_lease(id, ttl, expires_at) VALUES($id, $ttl, $expires)";
}
