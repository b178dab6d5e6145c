using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>Streams the puts and deletes of a datastore's keys as they happen, until Ctrl+C.</summary>
[Cmdlet(VerbsCommon.Watch, "K3sDatastore", DefaultParameterSetName = DataDirSet)]
[OutputType(typeof(DatastoreEvent))]
public sealed class WatchK3sDatastoreCommand : DatastoreCmdlet
{
    /// <summary>Only keys that start with this prefix; every key by default.</summary>
    [Parameter(Position = 0)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(DatastoreKeyCompleter))]
    public string Prefix { get; set; } = "";

    /// <summary>Replays the events from this revision on before the live ones; by default only changes from now on.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long FromRevision { get; set; }

    protected override void EndProcessing()
    {
        var reader = OpenReader();
        try
        {
            // The last value of each key seen, for the next event's PreviousValue.
            var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var events = reader.WatchAsync(KeySelection.Under(Prefix), FromRevision, Cancellation).GetAsyncEnumerator(Cancellation);
            try
            {
                while (MoveNext(events))
                {
                    var row = events.Current;
                    var previous = PreviousValue(reader, row, values);
                    if (row.Operation == DatastoreOperation.Delete)
                        values.Remove(row.Key);
                    else
                        values[row.Key] = row.Value;
                    WriteObject(DatastoreEvent.From(row, previous));
                }
            }
            finally
            {
                Quietly(() => events.DisposeAsync().AsTask());
            }
        }
        finally
        {
            Quietly(() => reader.DisposeAsync().AsTask());
        }
    }

    /// <summary>The next event; false once Ctrl+C cancelled the watch (the gRPC call ends with Cancelled, not an error to show).</summary>
    private bool MoveNext(IAsyncEnumerator<DatastoreRow> events)
    {
        try
        {
            return events.MoveNextAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception) when (Cancellation.IsCancellationRequested)
        {
            return false;
        }
        catch (DatastoreAccessException e)
        {
            ThrowTerminatingError(Error(e));
            return false;
        }
    }

    /// <summary>
    /// The value a put replaced or a delete removed: a delete carries it; an update's is the key's
    /// last value seen here, or, for the first event of a key, read at the revision before.
    /// </summary>
    private byte[]? PreviousValue(IDatastoreReader reader, DatastoreRow row, Dictionary<string, byte[]> values)
    {
        if (row.Operation == DatastoreOperation.Delete)
            return row.Value;
        if (row.Operation == DatastoreOperation.Create)
            return null;
        if (values.TryGetValue(row.Key, out var seen))
            return seen;
        try
        {
            return ValueAtAsync(reader, row.Key, row.Revision - 1).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DatastoreAccessException || Cancellation.IsCancellationRequested)
        {
            return null; // compacted away, or stopping: the event still shows
        }
    }

    private async Task<byte[]?> ValueAtAsync(IDatastoreReader reader, string key, long revision)
    {
        await foreach (var row in reader.ListAsync(KeySelection.Exactly(key), revision, Cancellation))
            return row.Value;
        return null;
    }

    private void Quietly(Func<Task> release)
    {
        try
        {
            release().GetAwaiter().GetResult();
        }
        catch (Exception) when (Cancellation.IsCancellationRequested)
        {
            // Cancelled by Ctrl+C: nothing left to release.
        }
    }
}

public enum DatastoreEventType
{
    Put,
    Delete,
}

/// <summary>
/// One change of one key, as etcd's watch reports it. Value and PreviousValue are decoded as
/// Get-K3sDatastoreKey decodes values: JSON as objects, UTF-8 text as strings, anything else (such
/// as the Kubernetes protobuf envelope) as bytes; RawValue and PreviousRawValue keep the bytes.
/// </summary>
public sealed class DatastoreEvent
{
    public DatastoreEventType Type { get; init; }
    public required string Key { get; init; }
    public long Revision { get; init; }
    public long CreateRevision { get; init; }
    /// <summary>The key's version after the change: 1 when created, 0 when deleted.</summary>
    public long Version { get; init; }
    public long Lease { get; init; }
    /// <summary>Bytes of the new value; 0 for a delete.</summary>
    public long Size { get; init; }
    /// <summary>The new value, decoded; null for a delete.</summary>
    public object? Value { get; init; }
    /// <summary>The value replaced or deleted, decoded; null for a create.</summary>
    public object? PreviousValue { get; init; }
    public byte[]? RawValue { get; init; }
    public byte[]? PreviousRawValue { get; init; }
    /// <summary>Create, Update or Delete: a put that created the key, a put that changed it, a delete.</summary>
    public DatastoreOperation Operation { get; init; }
    /// <summary>The Kubernetes kind of the (deleted) object, when the value is one.</summary>
    public string? Kind { get; init; }

    public static DatastoreEvent From(DatastoreRow row, byte[]? previous)
    {
        var deleted = row.Operation == DatastoreOperation.Delete;
        var value = deleted ? null : row.Value;
        return new DatastoreEvent
        {
            Type = deleted ? DatastoreEventType.Delete : DatastoreEventType.Put,
            Key = row.Key,
            Revision = row.Revision,
            CreateRevision = row.CreateRevision,
            Version = row.Version,
            Lease = row.Lease,
            Size = value?.LongLength ?? 0,
            Value = value is null ? null : DatastoreValue.Decode(value),
            PreviousValue = previous is null ? null : DatastoreValue.Decode(previous),
            RawValue = value,
            PreviousRawValue = previous,
            Operation = row.Operation,
            Kind = KubernetesObjectIdentity.Of(value ?? previous ?? [])?.Kind,
        };
    }
}
