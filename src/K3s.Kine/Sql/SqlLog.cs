using System.Data.Common;
using System.Globalization;

namespace K3s.Kine.Sql;

/// <summary>
/// kine's log in SQL: every write appends a row, the row id is the revision, and the state at a
/// revision is the newest row of each name at or below it. The statements are the same on every
/// database; <see cref="SqlDialect"/> supplies the rest.
/// </summary>
public sealed class SqlLog(SqlDialect dialect)
{
    // Version is not stored by kine: count the key's rows from its creation to this one.
    private const string Columns =
        "kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.lease, kv.value, kv.old_value, " +
        "(SELECT COUNT(*) FROM kine AS vkv WHERE vkv.name = kv.name " +
        "AND vkv.id >= CASE WHEN kv.created = 1 THEN kv.id ELSE kv.create_revision END AND vkv.id <= kv.id) AS version";

    // Watch events report the previous revision's lease, which only the row it replaced holds.
    private const string EventColumns = Columns + ", (SELECT pkv.lease FROM kine AS pkv WHERE pkv.id = kv.prev_revision) AS prev_lease";

    private const string RevisionsSql =
        "SELECT (SELECT MAX(rkv.id) FROM kine AS rkv), " +
        "(SELECT MAX(crkv.prev_revision) FROM kine AS crkv WHERE crkv.name = 'compact_rev_key')";

    public SqlDialect Dialect => dialect;

    /// <summary>The current revision (newest row id) and the compact revision.</summary>
    public (long Current, long Compact) Revisions(SqlSession session, DbTransaction? transaction)
    {
        var command = session.Command(transaction, RevisionsSql);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (Int64Or0(reader, 0), Int64Or0(reader, 1));
    }

    /// <summary>The newest row of a key at or below a revision, tombstones included.</summary>
    public KineRow? Latest(SqlSession session, DbTransaction? transaction, string name, long atRevision)
    {
        dialect.CheckKey(name);
        var command = session.Command(transaction, $"SELECT {Columns} FROM kine AS kv WHERE kv.name = @name AND kv.id <= @revision ORDER BY kv.id DESC LIMIT 1");
        Add(command, "name", name);
        Add(command, "revision", atRevision);
        return Read(command).SingleOrDefault();
    }

    /// <summary>The live keys of a range at a revision, by name; <paramref name="limit"/> 0 for all.</summary>
    public List<KineRow> LiveRange(SqlSession session, DbTransaction? transaction, KeyRange range, long atRevision, long limit)
    {
        var sql = $"SELECT {Columns} FROM kine AS kv WHERE {LiveAt(range)} ORDER BY kv.name ASC" + (limit > 0 ? " LIMIT @limit" : "");
        var command = session.Command(transaction, sql);
        AddRange(command, range, atRevision);
        if (limit > 0)
            Add(command, "limit", limit);
        return Read(command);
    }

    /// <summary>How many live keys a range holds at a revision.</summary>
    public long CountRange(SqlSession session, DbTransaction? transaction, KeyRange range, long atRevision)
    {
        var command = session.Command(transaction, $"SELECT COUNT(*) FROM kine AS kv WHERE {LiveAt(range)}");
        AddRange(command, range, atRevision);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The live keys (at the current revision) that are attached to a lease.</summary>
    public List<KineRow> LiveWithLease(SqlSession session, DbTransaction? transaction, long lease, long atRevision)
    {
        var sql = $"SELECT {Columns} FROM kine AS kv WHERE {LiveAt(KeyRange.From(""))} AND kv.lease = @lease ORDER BY kv.name ASC";
        var command = session.Command(transaction, sql);
        AddRange(command, KeyRange.From(""), atRevision);
        Add(command, "lease", lease);
        return Read(command);
    }

    /// <summary>Rows after an id, oldest first: what the watch poller reads.</summary>
    public List<KineRow> After(SqlSession session, DbTransaction? transaction, long afterId, int limit)
    {
        var command = session.Command(transaction, $"SELECT {EventColumns} FROM kine AS kv WHERE kv.id > @after ORDER BY kv.id ASC LIMIT @limit");
        Add(command, "after", afterId);
        Add(command, "limit", limit);
        return Read(command);
    }

    /// <summary>The rows of a range between two revisions, oldest first: a watch catching up from the past.</summary>
    public List<KineRow> History(SqlSession session, DbTransaction? transaction, KeyRange range, long fromId, long toId, int limit)
    {
        var command = session.Command(transaction, $"SELECT {EventColumns} FROM kine AS kv WHERE kv.id >= @from AND kv.id <= @to AND {range.Condition(dialect.NameExpression("kv.name", range))} " +
            "ORDER BY kv.id ASC LIMIT @limit");
        Add(command, "from", fromId);
        Add(command, "to", toId);
        AddKeys(command, range);
        Add(command, "limit", limit);
        return Read(command);
    }

    /// <summary>Appends a row and returns its id, the new revision.</summary>
    public long Insert(SqlSession session, DbTransaction? transaction,
        string name, bool created, bool deleted, long createRevision, long prevRevision, long lease, byte[]? value, byte[]? oldValue)
    {
        var command = session.Command(transaction, dialect.InsertReturningIdSql);
        Add(command, "name", name);
        Add(command, "created", created ? 1 : 0);
        Add(command, "deleted", deleted ? 1 : 0);
        Add(command, "create_revision", createRevision);
        Add(command, "prev_revision", prevRevision);
        Add(command, "lease", lease);
        Add(command, "value", value);
        Add(command, "old_value", oldValue);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Takes an id that no write will use (a writer that allocated it died or rolled back) with a
    /// deleted <c>gap-ID</c> row, as kine does, so the log has no holes. False if the id is taken.
    /// </summary>
    public bool FillGap(SqlSession session, DbTransaction? transaction, long id)
    {
        var command = session.Command(transaction, "INSERT INTO kine(id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) " +
            "VALUES(@id, @name, 0, 1, 0, 0, 0, NULL, NULL)");
        Add(command, "id", id);
        Add(command, "name", KineRow.GapPrefix + id.ToString(CultureInfo.InvariantCulture));
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

    /// <summary>
    /// Removes what no read at or after <paramref name="revision"/> can see: rows superseded by a row
    /// in (<paramref name="fromRevision"/>, <paramref name="revision"/>], and tombstones (and gap rows)
    /// there. Then records the compact revision. kine's statement, except that create rows are not
    /// taken as superseding anything: kine writes the store's revision of the time into a new key's
    /// prev_revision, which names another key's row.
    /// </summary>
    public long Compact(SqlSession session, DbTransaction? transaction, long fromRevision, long revision)
    {
        var command = session.Command(transaction, "DELETE FROM kine WHERE id IN (SELECT ks.id FROM (" +
            "SELECT kp.prev_revision AS id FROM kine AS kp WHERE kp.name != 'compact_rev_key' AND kp.created = 0 " +
            "AND kp.prev_revision != 0 AND kp.id > @from AND kp.id <= @revision " +
            "UNION SELECT kd.id AS id FROM kine AS kd WHERE kd.deleted != 0 AND kd.id > @from AND kd.id <= @revision " +
            // The newest row is the current revision: removing it would move the revision back.
            "AND kd.id < (SELECT MAX(mx.id) FROM kine AS mx)) AS ks)");
        Add(command, "from", fromRevision);
        Add(command, "revision", revision);
        var removed = command.ExecuteNonQuery();
        SetCompactRevision(session, transaction, revision);
        return removed;
    }

    /// <summary>kine's first start writes the row that holds the compact revision; so do we, if it is missing.</summary>
    public void EnsureCompactRevisionRow(SqlSession session, DbTransaction? transaction)
    {
        var exists = session.Command(transaction, "SELECT COUNT(*) FROM kine WHERE name = 'compact_rev_key'");
        if (Convert.ToInt64(exists.ExecuteScalar(), CultureInfo.InvariantCulture) == 0)
            Insert(session, transaction, KineRow.CompactRevisionKey, created: true, deleted: false, 0, 0, 0, [], null);
    }

    private static void SetCompactRevision(SqlSession session, DbTransaction? transaction, long revision)
    {
        var update = session.Command(transaction, "UPDATE kine SET prev_revision = @revision WHERE name = 'compact_rev_key'");
        Add(update, "revision", revision);
        update.ExecuteNonQuery();
    }

    public long DatabaseSize(SqlSession session, DbTransaction? transaction) => dialect.DatabaseSize(session, transaction);

    /// <summary>
    /// The rows that are the live state of a range at @revision: each name's newest row at or below
    /// it, unless that row is a tombstone. Walking the (name, id) index in name order needs no sort.
    /// </summary>
    private string LiveAt(KeyRange range) =>
        $"{range.Condition(dialect.NameExpression("kv.name", range))} AND kv.name != 'compact_rev_key' AND kv.deleted = 0 " +
        "AND kv.id = (SELECT MAX(mkv.id) FROM kine AS mkv WHERE mkv.name = kv.name AND mkv.id <= @revision)";

    private void AddRange(DbCommand command, KeyRange range, long atRevision)
    {
        AddKeys(command, range);
        Add(command, "revision", atRevision);
    }

    private void AddKeys(DbCommand command, KeyRange range)
    {
        dialect.CheckKey(range.Start);
        if (range.End is not null)
            dialect.CheckKey(range.End);
        Add(command, "start", range.Start);
        if (!range.IsSingleKey && range.End is not null)
            Add(command, "end", range.End);
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static List<KineRow> Read(DbCommand command)
    {
        var rows = new List<KineRow>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new KineRow(
                Id: Int64Or0(reader, 0),
                Name: reader.GetString(1),
                Created: Int64Or0(reader, 2) != 0,
                Deleted: Int64Or0(reader, 3) != 0,
                CreateRevision: Int64Or0(reader, 4),
                PrevRevision: Int64Or0(reader, 5),
                Lease: Int64Or0(reader, 6),
                Value: reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7),
                OldValue: reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8),
                Version: Int64Or0(reader, 9),
                PrevLease: reader.FieldCount > 10 ? Int64Or0(reader, 10) : 0));
        }
        return rows;
    }

    /// <summary>Typed, not through GetValue: a boxed number per column of every row read is most of a read's garbage.</summary>
    private static long Int64Or0(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetInt64(ordinal);
}
