namespace K3s.Kine.Store;

/// <summary>
/// A write transaction in progress: its SQL scope and the revision it has reached, which each
/// appended row moves on, so that reads later in the same txn see its earlier writes.
/// </summary>
internal sealed class WriteScope(SqlScope sql, long revision, long compactRevision)
{
    public SqlScope Sql { get; } = sql;
    public long Revision { get; set; } = revision;
    public long CompactRevision { get; } = compactRevision;
}
