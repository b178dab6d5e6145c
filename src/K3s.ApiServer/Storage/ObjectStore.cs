using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Google.Protobuf;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Resources;
using K3s.Core.Etcd;

namespace K3s.ApiServer.Storage;

/// <summary>
/// One store for every kind: objects as JSON under their kind's key prefix, through the etcd-shaped
/// interface. The resourceVersion of an object is the mod revision of its key; it is not stored.
/// </summary>
/// <param name="watchCacheCapacity">How many recent changes of each kind the shared watches keep for watches that start in the past.</param>
public sealed class ObjectStore(IEtcdStore etcd, TimeProvider clock, int watchCacheCapacity = 4096) : IAsyncDisposable
{
    private readonly WatchCache watches = new(etcd, watchCacheCapacity);

    public ValueTask DisposeAsync() => watches.DisposeAsync();

    public async Task<JsonObject> GetAsync(ResourceDefinition definition, string? @namespace, string name, CancellationToken cancellationToken)
    {
        var response = await etcd.RangeAsync(new RangeRequest { Key = Bytes(definition.Key(@namespace, name)) }, cancellationToken);
        if (response.Kvs.Count == 0)
            throw ApiException.NotFound(definition.QualifiedResource, name);
        return Decode(definition, response.Kvs[0]);
    }

    /// <summary>A page of a list: the objects, the revision read at, and where the next page starts.</summary>
    public sealed record Page<T>(IReadOnlyList<T> Items, long Revision, string? Continue);

    /// <summary>
    /// Lists the objects that match, at most <paramref name="limit"/> (0: all), reading on from a
    /// continue token at the revision the first page was read at.
    /// </summary>
    public Task<Page<JsonObject>> ListAsync(ResourceDefinition definition, string? @namespace, Func<JsonObject, bool> matches,
        long limit, string? @continue, CancellationToken cancellationToken, long atRevision = 0) =>
        RangeAsync(definition, @namespace, kv => Decode(definition, kv) is var item && matches(item) ? item : null, limit, @continue, atRevision, cancellationToken);

    /// <summary>
    /// A list of every object as the JSON it is stored as, with its resourceVersion added: for a plain list
    /// (no selector, no Table, stored as served), no object is parsed and written again.
    /// </summary>
    public Task<Page<byte[]>> ListJsonAsync(ResourceDefinition definition, string? @namespace, long limit, string? @continue,
        CancellationToken cancellationToken, long atRevision = 0) =>
        RangeAsync(definition, @namespace, kv => StoredJson.WithResourceVersion(kv.Value.Span, kv.ModRevision), limit, @continue, atRevision, cancellationToken);

    private async Task<Page<T>> RangeAsync<T>(ResourceDefinition definition, string? @namespace, Func<KeyValue, T?> select,
        long limit, string? @continue, long atRevision, CancellationToken cancellationToken) where T : class
    {
        var prefix = definition.ListPrefix(@namespace);
        var (start, revision) = @continue is null ? (prefix, atRevision) : ContinueToken.Parse(@continue, prefix);
        var items = new List<T>();
        while (true)
        {
            var request = new RangeRequest { Key = Bytes(start), RangeEnd = Bytes(PrefixEnd(prefix)), Revision = revision, Limit = limit > 0 ? limit - items.Count : 0 };
            RangeResponse response;
            try
            {
                response = await etcd.RangeAsync(request, cancellationToken);
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.OutOfRange)
            {
                throw ApiException.Gone(@continue is null
                    ? $"The resourceVersion for the provided list is too old: {revision}"
                    : "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
            }
            revision = revision > 0 ? revision : response.Header.Revision;
            items.AddRange(response.Kvs.Select(select).OfType<T>());
            if (!response.More || response.Kvs.Count == 0)
                return new Page<T>(items, revision, null);
            // Filters may leave a page short; read on until it is full, as the upstream store does.
            start = response.Kvs[^1].Key.ToStringUtf8() + "\0";
            if (items.Count >= limit)
                return new Page<T>(items, revision, ContinueToken.Format(start, revision));
        }
    }

    /// <summary>Stores a new object; with <paramref name="dryRun"/> it is checked and answered but not stored.</summary>
    public async Task<JsonObject> CreateAsync(ResourceDefinition definition, string? @namespace, JsonObject item, bool dryRun,
        CancellationToken cancellationToken)
    {
        var metadata = Metadata(item);
        var name = (string?)metadata["name"];
        if (string.IsNullOrEmpty(name) && metadata["generateName"] is JsonValue generateName)
            metadata["name"] = name = (string)generateName! + RandomSuffix();
        if (string.IsNullOrEmpty(name))
            throw ApiException.Invalid(definition.Kind, "", [("metadata.name", "Required value: name or generateName is required")]);
        if (definition.Namespaced)
            metadata["namespace"] = @namespace;
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = Now();
        metadata.Remove("resourceVersion");
        metadata.Remove("deletionTimestamp");
        item["apiVersion"] = definition.ApiVersion;
        item["kind"] = definition.Kind;
        if (definition.HasStatus && definition.Rules.ResetsStatusOnCreate)
            item.Remove("status");
        if (definition.TracksGeneration)
            metadata["generation"] = 1;
        definition.Rules.PrepareForCreate(item);
        Validate(definition, name, item);
        var value = Encode(definition, item);
        if (dryRun)
            return item;

        var key = Bytes(definition.Key(@namespace, name));
        var response = await etcd.TxnAsync(new TxnRequest
        {
            Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = 0 } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = key, Value = value } } },
        }, cancellationToken);
        if (!response.Succeeded)
            throw ApiException.AlreadyExists(definition.QualifiedResource, name);
        metadata["resourceVersion"] = Version(response.Header.Revision);
        return item;
    }

    /// <summary>
    /// Replaces an object; a resourceVersion in it must be the stored one (optimistic concurrency).
    /// Its status stays as stored if status is a subresource. A deleting object whose last finalizer goes is removed.
    /// </summary>
    public async Task<JsonObject> UpdateAsync(ResourceDefinition definition, string? @namespace, string name, JsonObject item, bool dryRun,
        CancellationToken cancellationToken)
    {
        var current = await GetAsync(definition, @namespace, name, cancellationToken);
        CheckIdentity(definition, name, item, current);
        if (definition.HasStatus)
            item["status"] = current["status"]?.DeepClone();
        KeepServerFields(definition, @namespace, name, item, current);
        definition.Rules.PrepareForUpdate(item, current);
        RemoveNulls(item);
        return await WriteAsync(definition, @namespace, name, item, current, dryRun, cancellationToken);
    }

    /// <summary>
    /// Changes one part of an object through a subresource (status, scale, binding, finalize):
    /// <paramref name="change"/> makes the new object from the stored one, whose resourceVersion must
    /// be <paramref name="expectedVersion"/> if given. The kind's update rules for the whole object do not apply.
    /// </summary>
    public async Task<JsonObject> ChangeAsync(ResourceDefinition definition, string? @namespace, string name, string? expectedVersion,
        Func<JsonObject, JsonObject> change, bool dryRun, CancellationToken cancellationToken)
    {
        var current = await GetAsync(definition, @namespace, name, cancellationToken);
        if (!string.IsNullOrEmpty(expectedVersion) && expectedVersion != (string?)Metadata(current)["resourceVersion"])
            throw StaleVersion(definition, name);
        var item = change(current.DeepClone().AsObject());
        KeepServerFields(definition, @namespace, name, item, current);
        return await WriteAsync(definition, @namespace, name, item, current, dryRun, cancellationToken, wholeObject: false);
    }

    private static void CheckIdentity(ResourceDefinition definition, string name, JsonObject item, JsonObject current)
    {
        var expected = (string?)Metadata(item)["resourceVersion"];
        if (!string.IsNullOrEmpty(expected) && expected != (string?)Metadata(current)["resourceVersion"])
            throw StaleVersion(definition, name);
        if (Metadata(item)["name"] is JsonValue given && (string?)given != name)
            throw ApiException.BadRequest($"the name of the object ({(string?)given}) does not match the name on the URL ({name})");
    }

    /// <summary>What the server sets stays as it was, whatever a client sends.</summary>
    private static void KeepServerFields(ResourceDefinition definition, string? @namespace, string name, JsonObject item, JsonObject current)
    {
        var metadata = Metadata(item);
        var currentMetadata = Metadata(current);
        metadata["name"] = name;
        if (definition.Namespaced)
            metadata["namespace"] = @namespace;
        foreach (var owned in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generateName", "generation" })
            metadata[owned] = currentMetadata[owned]?.DeepClone();
        RemoveNulls(metadata);
        metadata.Remove("resourceVersion");
        item["apiVersion"] = definition.ApiVersion;
        item["kind"] = definition.Kind;
    }

    private async Task<JsonObject> WriteAsync(ResourceDefinition definition, string? @namespace, string name, JsonObject item, JsonObject current,
        bool dryRun, CancellationToken cancellationToken, bool wholeObject = true)
    {
        var metadata = Metadata(item);
        if (definition.TracksGeneration && !JsonNode.DeepEquals(Spec(item), Spec(current)))
            metadata["generation"] = JsonPaths.GetLong(current, "metadata.generation") + 1;
        Validate(definition, name, item, wholeObject ? current : null, isUpdate: true);

        var key = Bytes(definition.Key(@namespace, name));
        var finished = metadata["deletionTimestamp"] is not null && Finalizers(item).Count == 0 && !definition.Rules.HasOwnFinalizers(item);
        var value = Encode(definition, item);
        if (dryRun)
            return item;
        var write = finished
            ? new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } }
            : new RequestOp { RequestPut = new PutRequest { Key = key, Value = value } };
        var currentVersion = long.Parse((string)Metadata(current)["resourceVersion"]!, CultureInfo.InvariantCulture);
        var response = await etcd.TxnAsync(new TxnRequest
        {
            Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = currentVersion } },
            Success = { write },
        }, cancellationToken);
        if (!response.Succeeded)
            throw StaleVersion(definition, name);
        metadata["resourceVersion"] = Version(response.Header.Revision);
        return item;
    }

    /// <summary>What metadata.generation counts changes of: everything but metadata and status.</summary>
    private static JsonObject Spec(JsonObject item) =>
        new(item.Where(member => member.Key is not ("metadata" or "status" or "apiVersion" or "kind")).Select(member => KeyValuePair.Create(member.Key, member.Value?.DeepClone())));

    /// <summary>What a delete did: removed the object, or (finalizers pending) marked it deleting.</summary>
    public sealed record DeleteResult(JsonObject Object, bool Removed);

    /// <summary>
    /// Deletes an object. One with finalizers (or given one by the propagation policy) is only marked
    /// with a deletionTimestamp; whoever owns each finalizer removes it, and the last removal deletes
    /// the object. A pod on a node is given its grace period to stop: its kubelet deletes it.
    /// </summary>
    public async Task<DeleteResult> DeleteAsync(ResourceDefinition definition, string? @namespace, string name, DeleteOptions options,
        bool dryRun, CancellationToken cancellationToken)
    {
        var current = await GetAsync(definition, @namespace, name, cancellationToken);
        var metadata = Metadata(current);
        var version = (string)metadata["resourceVersion"]!;
        if (options.ResourceVersion is not null && options.ResourceVersion != version)
            throw StaleVersion(definition, name);
        if (options.Uid is not null && options.Uid != (string?)metadata["uid"])
            throw ApiException.Conflict(definition.QualifiedResource, name,
                $"Precondition failed: UID in precondition: {options.Uid}, UID in object meta: {(string?)metadata["uid"]}");
        var key = Bytes(definition.Key(@namespace, name));
        var deleting = metadata["deletionTimestamp"] is not null;
        var finalizers = Finalizers(current);
        if (!deleting && options.PropagationFinalizer is { } propagation && !finalizers.Contains(propagation))
            finalizers.Add(propagation);
        var grace = deleting && options.GracePeriodSeconds is null ? 0 : GracePeriod(definition, current, options);
        var held = finalizers.Count > 0 || definition.Rules.HasOwnFinalizers(current);
        // Already marked: a second delete changes nothing, unless it cuts a pod's grace period to 0.
        if (deleting && (held || grace > 0))
            return new DeleteResult(current, Removed: false);
        var pending = held || grace > 0;
        if (dryRun)
            return new DeleteResult(current, Removed: !pending);
        if (pending)
        {
            metadata.Remove("resourceVersion");
            metadata["deletionTimestamp"] = Now(grace);
            metadata["deletionGracePeriodSeconds"] = grace;
            metadata["finalizers"] = finalizers.Count > 0 ? new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray()) : null;
            RemoveNulls(metadata);
            definition.Rules.PrepareForDeletion(current);
        }
        var write = pending
            ? new RequestOp { RequestPut = new PutRequest { Key = key, Value = Encode(definition, current) } }
            : new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } };
        var response = await etcd.TxnAsync(new TxnRequest
        {
            Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = long.Parse(version, CultureInfo.InvariantCulture) } },
            Success = { write },
        }, cancellationToken);
        if (!response.Succeeded)
            throw StaleVersion(definition, name);
        if (pending)
            metadata["resourceVersion"] = Version(response.Header.Revision);
        return new DeleteResult(current, Removed: !pending);
    }

    /// <summary>Only pods that a node runs stop gracefully; everything else goes at once.</summary>
    private static long GracePeriod(ResourceDefinition definition, JsonObject item, DeleteOptions options)
    {
        if (definition.Group.Length > 0 || definition.Kind != "Pod" || string.IsNullOrEmpty(JsonPaths.GetString(item, "spec.nodeName")))
            return 0;
        // A pod that never started or has finished has nothing to stop.
        if (JsonPaths.GetString(item, "status.phase") is "Pending" or "Succeeded" or "Failed" && JsonPaths.Get(item, "status.startTime") is null)
            return 0;
        return Math.Max(0, options.GracePeriodSeconds ?? JsonPaths.GetLong(item, "spec.terminationGracePeriodSeconds", 30));
    }

    /// <summary>
    /// A watch event as the API streams it: ADDED, MODIFIED, DELETED or BOOKMARK, with the object and,
    /// for a change, the object before it (null for a creation), so filtered watches can tell an object
    /// that came into or left their selection.
    /// </summary>
    public sealed record WatchEvent(string Type, JsonObject Object, JsonObject? Previous = null)
    {
        private byte[]? json;

        /// <summary>The object as JSON, written once however many watchers send it.</summary>
        public byte[] Json => json ??= JsonText.WriteBytes(Object);
    }

    /// <summary>
    /// Changes after a resourceVersion (0: from now), until cancelled: from the shared watch of the
    /// kind when it still holds that revision, else from a datastore watch of its own. With
    /// <paramref name="bookmarkEvery"/>, a quiet watch also yields a BOOKMARK with the revision it has
    /// seen everything up to.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(ResourceDefinition definition, string? @namespace, long afterRevision,
        TimeSpan? bookmarkEvery, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = await watches.SubscribeAsync(definition, @namespace, afterRevision, cancellationToken);
        await using var own = subscription is null ? await OwnWatchAsync(definition, @namespace, afterRevision, cancellationToken) : null;
        var changes = subscription?.Reader ?? own!.Changes;
        Func<long> synced = subscription is null ? () => own!.Watch.SyncedRevision : () => subscription.SyncedRevision;

        // Sent up to (events or bookmarks), and the last bookmark: a quiet watch is told its version once.
        var sent = afterRevision;
        var bookmarked = -1L;
        Task<bool>? arrived = null;
        while (true)
        {
            if (changes.TryRead(out var change))
            {
                sent = RevisionOf(change.Object);
                yield return change;
                continue;
            }
            if (bookmarkEvery is null)
            {
                if (!await changes.WaitToReadAsync(cancellationToken))
                    yield break;
                continue;
            }
            // Read before the output is found empty: every change up to it has then been taken and sent.
            var seen = synced();
            arrived ??= changes.WaitToReadAsync(cancellationToken).AsTask();
            using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                await Task.WhenAny(arrived, Task.Delay(bookmarkEvery.Value, quiet.Token));
                await quiet.CancelAsync();
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (!arrived.IsCompleted)
            {
                if (seen >= sent && seen != bookmarked)
                {
                    sent = bookmarked = seen;
                    yield return new WatchEvent("BOOKMARK", Bookmark(definition, seen));
                }
                continue;
            }
            var open = await arrived;
            arrived = null;
            if (!open)
                yield break;
        }
    }

    /// <summary>A datastore watch of one client's own, with its changes decoded as they come.</summary>
    private sealed record OwnWatch(IEtcdWatch Watch, ChannelReader<WatchEvent> Changes, Task Pump, CancellationTokenSource Stop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Stop.CancelAsync();
            await Watch.DisposeAsync();
            await Pump.ContinueWith(_ => { }, TaskScheduler.Default);
            Stop.Dispose();
        }
    }

    private async Task<OwnWatch> OwnWatchAsync(ResourceDefinition definition, string? @namespace, long afterRevision, CancellationToken cancellationToken)
    {
        var prefix = definition.ListPrefix(@namespace);
        var output = Channel.CreateUnbounded<WatchResponse>(new UnboundedChannelOptions { SingleReader = true });
        var watch = await etcd.WatchAsync(1, WatchRequest(prefix, afterRevision), output.Writer, cancellationToken);
        var changes = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(async () =>
        {
            Exception? ended = null;
            try
            {
                await foreach (var response in output.Reader.ReadAllAsync(stop.Token))
                {
                    if (response.Canceled && response.CompactRevision > 0)
                    {
                        ended = ApiException.Gone($"too old resource version: {afterRevision} ({response.CompactRevision})");
                        break;
                    }
                    foreach (var @event in response.Events)
                        changes.Writer.TryWrite(ToWatchEvent(definition, @event));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ended = e;
            }
            catch (OperationCanceledException)
            {
            }
            changes.Writer.TryComplete(ended);
        }, CancellationToken.None);
        return new OwnWatch(watch, changes.Reader, pump, stop);
    }

    /// <summary>A datastore watch of every key under a prefix after a revision (0: from now), with each change's previous value.</summary>
    internal static WatchCreateRequest WatchRequest(string prefix, long afterRevision) => new()
    {
        Key = Bytes(prefix),
        RangeEnd = Bytes(PrefixEnd(prefix)),
        StartRevision = afterRevision > 0 ? afterRevision + 1 : 0,
        PrevKv = true,
    };

    /// <summary>A datastore event as the API's change: DELETED carries the last state at the deletion's revision.</summary>
    internal static WatchEvent ToWatchEvent(ResourceDefinition definition, Event @event)
    {
        var previous = @event.PrevKv is { } prevKv && prevKv.Key.Length > 0 ? Decode(definition, prevKv) : null;
        if (@event.Type == Event.Types.EventType.Delete)
        {
            // Without the previous value (compacted away), the key still names what went.
            var deleted = previous?.DeepClone().AsObject() ?? Identity(definition, @event.Kv.Key.ToStringUtf8());
            Metadata(deleted)["resourceVersion"] = Version(@event.Kv.ModRevision);
            return new WatchEvent("DELETED", deleted, previous);
        }
        return new WatchEvent(@event.Kv.CreateRevision == @event.Kv.ModRevision ? "ADDED" : "MODIFIED", Decode(definition, @event.Kv), previous);
    }

    private static JsonObject Identity(ResourceDefinition definition, string key)
    {
        var path = key[definition.KeyPrefix.Length..].Split('/');
        var metadata = new JsonObject { ["name"] = path[^1] };
        if (definition.Namespaced && path.Length > 1)
            metadata["namespace"] = path[0];
        return new JsonObject { ["kind"] = definition.Kind, ["apiVersion"] = definition.ApiVersion, ["metadata"] = metadata };
    }

    /// <summary>A BOOKMARK's object: only the kind and the resourceVersion the watch has reached.</summary>
    public static JsonObject Bookmark(ResourceDefinition definition, long revision) => new()
    {
        ["kind"] = definition.Kind,
        ["apiVersion"] = definition.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = Version(revision) },
    };

    private static void Validate(ResourceDefinition definition, string name, JsonObject item, JsonObject? current = null, bool isUpdate = false)
    {
        var causes = new List<(string Field, string Message)>();
        if (!isUpdate && definition.Rules.InvalidName(name) is { } why)
            causes.Add(("metadata.name", $"Invalid value: \"{name}\": {why}"));
        causes.AddRange(definition.Rules.Validate(item));
        if (current is not null)
            causes.AddRange(definition.Rules.ValidateUpdate(item, current));
        if (causes.Count > 0)
            throw ApiException.Invalid(definition.Kind, name, causes);
    }

    private static ApiException StaleVersion(ResourceDefinition definition, string name) =>
        ApiException.Conflict(definition.QualifiedResource, name, "the object has been modified; please apply your changes to the latest version and try again");

    private static List<string> Finalizers(JsonObject item) =>
        (Metadata(item)["finalizers"] as JsonArray)?.Select(f => (string?)f ?? "").ToList() ?? [];

    private static void RemoveNulls(JsonObject item)
    {
        foreach (var name in item.Where(member => member.Value is null).Select(member => member.Key).ToList())
            item.Remove(name);
    }

    private string Now(long afterSeconds = 0) =>
        clock.GetUtcNow().UtcDateTime.AddSeconds(afterSeconds).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Version(long revision) => revision.ToString(CultureInfo.InvariantCulture);

    /// <summary>An object's resourceVersion as the revision it is (0 if it has none).</summary>
    public static long RevisionOf(JsonObject item) =>
        long.TryParse(JsonPaths.GetString(item, "metadata.resourceVersion"), CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    public static JsonObject Metadata(JsonObject item)
    {
        if (item["metadata"] is JsonObject metadata)
            return metadata;
        var created = new JsonObject();
        item["metadata"] = created;
        return created;
    }

    private static JsonObject Decode(ResourceDefinition definition, KeyValue kv)
    {
        var item = JsonNode.Parse(kv.Value.Span) as JsonObject
            ?? throw new InvalidDataException($"{kv.Key.ToStringUtf8()}: the stored value is not a JSON object");
        if (definition.Conversion is { } conversion)
            item = conversion.FromStored(item);
        Metadata(item)["resourceVersion"] = Version(kv.ModRevision);
        return item;
    }

    /// <summary>etcd's default limit on a value; the upstream server refuses objects larger than this.</summary>
    public const int MaxObjectBytes = 1536 * 1024;

    private static ByteString Encode(ResourceDefinition definition, JsonObject item)
    {
        var stored = definition.Conversion is { } conversion ? conversion.ToStored(item.DeepClone().AsObject()) : item;
        // The bytes are not used after this, so the message may hold them without a copy.
        var value = UnsafeByteOperations.UnsafeWrap(JsonText.WriteBytes(stored));
        return value.Length <= MaxObjectBytes ? value
            : throw new ApiException(413, "RequestEntityTooLarge", $"Request entity too large: the object is {value.Length} bytes, the limit is {MaxObjectBytes}");
    }

    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    /// <summary>The first key after every key with this prefix (prefixes end in "/", so "/" + 1 = "0").</summary>
    private static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    /// <summary>Five characters from Kubernetes' alphabet for generated names (no vowels, no 0, 1, 3).</summary>
    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        });
    }
}
