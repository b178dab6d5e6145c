using System.Data.Common;
using System.Globalization;
using K3s.Core.Datastore;
using K3s.Kine.Sql;

namespace K3s.Kine.Leases;

/// <summary>
/// Leases live in a table of their own beside kine's, so that granting or renewing one does not
/// take a revision (as in etcd) and every server sharing the database sees the same leases.
/// kine's lease column holds the lease id; ids stay below 2^31 because that column is an INTEGER.
/// </summary>
internal static class LeaseTable
{
    public static void Create(SqlSession session) => session.Command(null, KineSqliteSchema.Leases).ExecuteNonQuery();

    public static (long Ttl, long ExpiresAt)? Find(SqlSession session, DbTransaction? transaction, long id)
    {
        var command = Command(session, transaction, "SELECT ttl, expires_at FROM k3sps_lease WHERE id = @id", ("id", id));
        using var reader = command.ExecuteReader();
        return reader.Read() ? (Int64(reader, 0), Int64(reader, 1)) : null;
    }

    public static bool TryInsert(SqlSession session, DbTransaction? transaction, SqlDialect dialect, long id, long ttl, long expiresAt)
    {
        var command = Command(session, transaction,
            "INSERT INTO k3sps_lease(id, ttl, expires_at) VALUES(@id, @ttl, @expires)", ("id", id), ("ttl", ttl), ("expires", expiresAt));
        try
        {
            command.ExecuteNonQuery();
            return true;
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            return false;
        }
    }

    public static bool Delete(SqlSession session, DbTransaction? transaction, long id)
    {
        var command = Command(session, transaction, "DELETE FROM k3sps_lease WHERE id = @id", ("id", id));
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>Pushes the expiry out by the lease's TTL; false if there is no such lease.</summary>
    public static bool Renew(SqlSession session, DbTransaction? transaction, long id, long nowMilliseconds)
    {
        var command = Command(session, transaction,
            "UPDATE k3sps_lease SET expires_at = @now + ttl * 1000 WHERE id = @id", ("id", id), ("now", nowMilliseconds));
        return command.ExecuteNonQuery() > 0;
    }

    /// <summary>After a restart every lease gets its full TTL again, as etcd does when a leader starts.</summary>
    public static void RenewAll(SqlSession session, DbTransaction? transaction, long nowMilliseconds)
    {
        var command = Command(session, transaction, "UPDATE k3sps_lease SET expires_at = @now + ttl * 1000", ("now", nowMilliseconds));
        command.ExecuteNonQuery();
    }

    public static List<long> Ids(SqlSession session, DbTransaction? transaction, long? expiredBy = null)
    {
        var command = expiredBy is { } now
            ? Command(session, transaction, "SELECT id FROM k3sps_lease WHERE expires_at <= @now ORDER BY id", ("now", now))
            : Command(session, transaction, "SELECT id FROM k3sps_lease ORDER BY id");
        var ids = new List<long>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            ids.Add(Int64(reader, 0));
        return ids;
    }

    private static DbCommand Command(SqlSession session, DbTransaction? transaction, string sql, params (string Name, long Value)[] parameters)
    {
        var command = session.Command(transaction, sql);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static long Int64(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);
}
