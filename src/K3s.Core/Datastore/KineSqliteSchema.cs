namespace K3s.Core.Datastore;

/// <summary>
/// The tables of a state.db: kine's, byte for byte the DDL of kine's SQLite driver (so k3s and K3sPs
/// open each other's databases), and K3sPs's lease table beside it. The datastore creates them; the
/// module's restore writes them into a new database.
/// </summary>
public static class KineSqliteSchema
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

    /// <summary>K3sPs's leases (K3s.Kine's LeaseTable): portable SQL, the same on every database.</summary>
    public const string Leases =
        "CREATE TABLE IF NOT EXISTS k3sps_lease (id BIGINT NOT NULL PRIMARY KEY, ttl BIGINT NOT NULL, expires_at BIGINT NOT NULL)";
}
