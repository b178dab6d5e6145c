namespace K3s.Kine.Sql;

/// <summary>
/// One row of the kine table: one revision of one key. A create has <c>created = 1</c>, an
/// update points at the row it replaces through <c>prev_revision</c>, a delete is a row with
/// <c>deleted = 1</c> that keeps the last value.
/// </summary>
/// <param name="Version">Rows of this key since its creation up to this one (computed by the query, not stored).</param>
/// <param name="PrevLease">The lease of the row this one replaced; read only for watch events, which report it.</param>
public sealed record KineRow(
    long Id,
    string Name,
    bool Created,
    bool Deleted,
    long CreateRevision,
    long PrevRevision,
    long Lease,
    byte[]? Value,
    byte[]? OldValue,
    long Version,
    long PrevLease = 0)
{
    /// <summary>The row kine keeps its compact revision in (in <c>prev_revision</c>).</summary>
    public const string CompactRevisionKey = "compact_rev_key";

    /// <summary>Rows that fill holes in the id sequence are named <c>gap-ID</c>.</summary>
    public const string GapPrefix = "gap-";

    /// <summary>kine stores 0 as the create revision of a create row: it is the row's own id.</summary>
    public long EffectiveCreateRevision => Created ? Id : CreateRevision;

    /// <summary>A row that is a revision of a user's key, not kine's bookkeeping.</summary>
    public bool IsKeyRevision => Name != CompactRevisionKey && !(Deleted && Name.StartsWith(GapPrefix, StringComparison.Ordinal) && CreateRevision == 0 && PrevRevision == 0);
}
