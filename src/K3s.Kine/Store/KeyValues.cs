using Google.Protobuf;
using K3s.Core.Etcd;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>Turns kine rows into etcd's KeyValue and Event messages.</summary>
internal static class KeyValues
{
    public static KeyValue From(KineRow row, bool keysOnly = false) => new()
    {
        Key = KeyCodec.Encode(row.Name),
        CreateRevision = row.EffectiveCreateRevision,
        ModRevision = row.Id,
        Version = row.Version,
        Value = keysOnly || row.Value is null ? ByteString.Empty : Wrap(row.Value),
        Lease = row.Lease,
    };

    /// <summary>
    /// An event for a row. A delete carries only the key and revision, as etcd's do; the previous
    /// value comes from the row's old_value, and its revision from prev_revision.
    /// </summary>
    public static Event EventFrom(KineRow row, bool withPrevious)
    {
        var @event = row.Deleted
            ? new Event { Type = Event.Types.EventType.Delete, Kv = new KeyValue { Key = KeyCodec.Encode(row.Name), ModRevision = row.Id } }
            : new Event { Type = Event.Types.EventType.Put, Kv = From(row) };
        if (withPrevious && !row.Created && row.PrevRevision != 0)
            @event.PrevKv = Previous(row);
        return @event;
    }

    /// <summary>Rows are never changed once read (the watch ring shares them): their bytes need no copy.</summary>
    private static ByteString Wrap(byte[] bytes) => UnsafeByteOperations.UnsafeWrap(bytes);

    /// <summary>The key as it was before this row, rebuilt from the row (kine keeps no other copy).</summary>
    public static KeyValue Previous(KineRow row) => new()
    {
        Key = KeyCodec.Encode(row.Name),
        CreateRevision = row.EffectiveCreateRevision,
        ModRevision = row.PrevRevision,
        Version = row.Version - 1,
        Value = row.OldValue is null ? ByteString.Empty : Wrap(row.OldValue),
        Lease = row.Deleted ? row.Lease : row.PrevLease,
    };
}
