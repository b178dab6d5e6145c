using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>A key as Get-K3sDatastoreKey shows it: its revisions, size, what it is, and its value.</summary>
public sealed class DatastoreKeyInfo
{
    public required string Key { get; init; }
    /// <summary>The revision of its last change (etcd's mod_revision).</summary>
    public long Revision { get; init; }
    public long CreateRevision { get; init; }
    public long Version { get; init; }
    public long Lease { get; init; }
    public long Size { get; init; }
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public string? Namespace { get; init; }
    public string? Name { get; init; }
    /// <summary>JSON as objects, text as a string, anything else as bytes (bytes always, with -Raw).</summary>
    public object? Value { get; init; }

    internal static DatastoreKeyInfo From(DatastoreRow row, bool raw)
    {
        var identity = KubernetesObjectIdentity.Of(row.Value);
        return new DatastoreKeyInfo
        {
            Key = row.Key,
            Revision = row.Revision,
            CreateRevision = row.CreateRevision,
            Version = row.Version,
            Lease = row.Lease,
            Size = row.Size,
            ApiVersion = identity?.ApiVersion,
            Kind = identity?.Kind,
            Namespace = identity?.Namespace,
            Name = identity?.Name,
            Value = raw ? row.Value : DatastoreValue.Decode(row.Value),
        };
    }

    public override string ToString() => Key;
}
