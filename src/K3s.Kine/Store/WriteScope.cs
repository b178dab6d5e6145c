using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>
/// A write transaction in progress: its SQL scope and the revision it has reached, which each
/// appended row moves on, so that reads later in the same txn see its earlier writes. The store's
/// revisions are read only when first needed: a plain put never needs them.
/// </summary>
internal sealed class WriteScope(SqlScope sql, SqlLog log)
{
    private (long Current, long Compact)? revisions;
    private long? revision;

    public SqlScope Sql { get; } = sql;

    public long Revision
    {
        get => revision ??= Revisions.Current;
        set => revision = value;
    }

    public long CompactRevision => Revisions.Compact;

    private (long Current, long Compact) Revisions => revisions ??= log.Revisions(Sql.Session, Sql.Transaction);
}
