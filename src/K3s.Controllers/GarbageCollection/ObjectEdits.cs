using System.Text.Json.Nodes;
using K3s.Controllers.Runtime;

namespace K3s.Controllers.GarbageCollection;

/// <summary>
/// The garbage collector's writes, on any kind by path: read, change, write back at the read
/// resourceVersion (a concurrent change makes the server answer 409 and the key is retried), and
/// deletes with a propagation policy. An object gone or replaced (another uid) is left alone.
/// </summary>
public sealed class ObjectEdits(RawApi api)
{
    public const string OrphanFinalizer = "orphan";
    public const string ForegroundFinalizer = "foregroundDeletion";

    public async Task EditAsync(string path, string uid, Func<JsonObject, bool> change, CancellationToken cancellationToken)
    {
        JsonObject item;
        try
        {
            item = await api.GetAsync(path, cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
            return;
        }
        if ((string?)item["metadata"]?["uid"] != uid || !change(item))
            return;
        try
        {
            await api.PutAsync(path, item, cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
        }
    }

    public async Task DeleteAsync(string path, string propagationPolicy, CancellationToken cancellationToken)
    {
        try
        {
            await api.DeleteAsync($"{path}?propagationPolicy={propagationPolicy}", cancellationToken);
        }
        catch (Exception e) when (ApiErrors.IsNotFound(e))
        {
        }
    }

    /// <summary>Removes the owner references with these uids; true if any was there.</summary>
    public static bool RemoveOwnerReferences(JsonObject item, IReadOnlySet<string> ownerUids)
    {
        if (item["metadata"]?["ownerReferences"] is not JsonArray references)
            return false;
        var kept = references.Where(reference => !ownerUids.Contains((string?)reference?["uid"] ?? "")).Select(reference => reference?.DeepClone()).ToArray();
        if (kept.Length == references.Count)
            return false;
        var metadata = (JsonObject)item["metadata"]!;
        if (kept.Length == 0)
            metadata.Remove("ownerReferences");
        else
            metadata["ownerReferences"] = new JsonArray(kept);
        return true;
    }

    /// <summary>Removes a finalizer; true if it was there. The last one going lets the server remove a deleting object.</summary>
    public static bool RemoveFinalizer(JsonObject item, string finalizer)
    {
        if (item["metadata"]?["finalizers"] is not JsonArray finalizers)
            return false;
        var kept = finalizers.Where(f => (string?)f != finalizer).Select(f => f?.DeepClone()).ToArray();
        if (kept.Length == finalizers.Count)
            return false;
        var metadata = (JsonObject)item["metadata"]!;
        if (kept.Length == 0)
            metadata.Remove("finalizers");
        else
            metadata["finalizers"] = new JsonArray(kept);
        return true;
    }
}
