namespace K3s.Core.Datastore;

/// <summary>
/// The rows a state.db restored from a dump gets, in the tables of <see cref="KineSqliteSchema"/>.
/// </summary>
public static class RestoreSchema
{
    /// <summary>A create, as kine writes one: created = 1, its create revision is its own id (stored as 0), nothing before it.</summary>
    public const string InsertKey =
        "INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) " +
        "VALUES($name, 1, 0, 0, 0, $lease, $value, NULL)";

    public const string InsertLease = "INSERT INTO k3sps_lease(id, ttl, expires_at) VALUES($id, $ttl, $expires)";
}
