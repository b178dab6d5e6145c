using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>One stored revision of a key, as Get-K3sDatastoreHistory shows it.</summary>
public sealed class DatastoreHistoryEntry
{
    public required string Key { get; init; }
    public long Revision { get; init; }
    public DatastoreOperation Operation { get; init; }
    public long CreateRevision { get; init; }
    public long Version { get; init; }
    public long Lease { get; init; }
    public long Size { get; init; }
    public string? Kind { get; init; }
    /// <summary>The value at this revision; for a delete, the value it removed.</summary>
    public object? Value { get; init; }
    /// <summary>The value as lines (indented JSON, text, or hex), for <c>Compare-Object $a.Lines $b.Lines</c>.</summary>
    public string[] Lines { get; init; } = [];

    internal static DatastoreHistoryEntry From(DatastoreRow row) => new()
    {
        Key = row.Key,
        Revision = row.Revision,
        Operation = row.Operation,
        CreateRevision = row.CreateRevision,
        Version = row.Version,
        Lease = row.Lease,
        Size = row.Size,
        Kind = KubernetesObjectIdentity.Of(row.Value)?.Kind,
        Value = DatastoreValue.Decode(row.Value),
        Lines = DatastoreValue.Lines(row.Value),
    };

    public override string ToString() => $"{Key}@{Revision} {Operation}";
}
