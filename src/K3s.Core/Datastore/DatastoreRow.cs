namespace K3s.Core.Datastore;

public enum DatastoreOperation
{
    Create,
    Update,
    Delete,
}

/// <summary>
/// One stored revision of one key. A delete keeps the value the key had, as kine's tombstones do,
/// so a history reads as "what was there" at each step.
/// </summary>
public sealed record DatastoreRow(
    string Key,
    long Revision,
    long CreateRevision,
    long Version,
    long Lease,
    DatastoreOperation Operation,
    byte[] Value)
{
    public long Size => Value.LongLength;
}
