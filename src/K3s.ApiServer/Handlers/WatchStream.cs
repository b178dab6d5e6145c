using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>
/// A watch as Kubernetes streams it: one JSON event per line ({"type":…,"object":…}). Without a
/// resourceVersion (or with "0") it starts with the current objects as ADDED; a version too old ends
/// the stream with an ERROR event holding a 410 Status. Each object is shaped as asked (itself, or a
/// one-row Table for kubectl's `get -w`).
/// </summary>
public static class WatchStream
{
    /// <summary>The annotation of the bookmark that ends the initial events of a sendInitialEvents watch.</summary>
    public const string InitialEventsEnd = "k8s.io/initial-events-end";

    public static async Task ServeAsync(HttpContext context, ObjectStore store, ResourceDefinition definition, string? @namespace,
        Func<JsonObject, bool> matches, Func<JsonObject, JsonObject>? shape, IQueryCollection query, TimeSpan bookmarkInterval,
        CancellationToken serverStopping)
    {
        // A watch ends when its client goes, its time is up, or the server stops (clients then watch again elsewhere).
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, serverStopping);
        if (query.TryGetValue("timeoutSeconds", out var seconds) && int.TryParse(seconds, CultureInfo.InvariantCulture, out var limit) && limit > 0)
            timeout.CancelAfter(TimeSpan.FromSeconds(limit));
        var cancel = timeout.Token;
        var version = query["resourceVersion"].ToString();
        long after;
        if (version is "" or "0")
            after = -1;
        else if (!long.TryParse(version, CultureInfo.InvariantCulture, out after) || after < 0)
            throw ApiException.BadRequest($"invalid resourceVersion \"{version}\"");
        var bookmarks = Flag(query, "allowWatchBookmarks");
        var initialEvents = query.ContainsKey("sendInitialEvents") ? Flag(query, "sendInitialEvents") : (bool?)null;
        if (initialEvents == true && (query["resourceVersionMatch"] != "NotOlderThan" || !bookmarks))
            throw ApiException.Invalid("ListOptions", "", [("sendInitialEvents", "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks to true")]);

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        // Without a version (or with sendInitialEvents), the watch starts with the current objects as ADDED.
        IReadOnlyList<JsonObject> initial = [];
        var listFirst = initialEvents ?? after < 0;
        if (listFirst || after < 0)
        {
            var page = await store.ListAsync(definition, @namespace, matches, 0, null, cancel);
            after = Math.Max(after, page.Revision);
            if (listFirst)
                initial = page.Items;
        }
        await response.StartAsync(cancel);
        try
        {
            foreach (var item in initial)
                await WriteEventAsync(response, "ADDED", shape is null ? item : shape(item), cancel);
            if (initialEvents == true)
            {
                var end = ObjectStore.Bookmark(definition, after);
                ObjectStore.Metadata(end)["annotations"] = new JsonObject { [InitialEventsEnd] = "true" };
                await WriteEventAsync(response, "BOOKMARK", end, cancel);
            }
            await response.Body.FlushAsync(cancel);
            await foreach (var change in store.WatchAsync(definition, @namespace, after, bookmarks ? bookmarkInterval : null, cancel))
            {
                if (Seen(change, matches) is not { } type)
                    continue;
                if (type == "BOOKMARK" || shape is null)
                    await WriteEventAsync(response, type, change.Json, cancel);
                else
                    await WriteEventAsync(response, type, shape(change.Object), cancel);
                await response.Body.FlushAsync(cancel);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away or the watch's time is up: the stream simply ends.
        }
        catch (ApiException e)
        {
            await WriteEventAsync(response, "ERROR", e.ToStatus(), context.RequestAborted);
        }
    }

    /// <summary>
    /// What a filtered watch sees of a change: an object that comes into its selection is ADDED, one
    /// that leaves it is DELETED, and changes outside it are not seen at all (null).
    /// </summary>
    private static string? Seen(ObjectStore.WatchEvent change, Func<JsonObject, bool> matches)
    {
        var wasIn = change.Previous is not null && matches(change.Previous);
        return change.Type switch
        {
            "BOOKMARK" => "BOOKMARK",
            "DELETED" => wasIn ? "DELETED" : null,
            _ => (wasIn, matches(change.Object)) switch
            {
                (true, true) => "MODIFIED",
                (false, true) => "ADDED",
                (true, false) => "DELETED",
                _ => null,
            },
        };
    }

    private static bool Flag(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var value) && value.ToString() is "true" or "1";

    private static readonly byte[] EventEnd = "}\n"u8.ToArray();

    /// <summary>An event around an object already written as JSON (shared by every watcher of a change).</summary>
    private static async Task WriteEventAsync(HttpResponse response, string type, byte[] json, CancellationToken cancel)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":"), cancel);
        await response.Body.WriteAsync(json, cancel);
        await response.Body.WriteAsync(EventEnd, cancel);
    }

    private static Task WriteEventAsync(HttpResponse response, string type, JsonObject item, CancellationToken cancel)
    {
        var line = JsonText.Write(new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }) + "\n";
        return response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancel).AsTask();
    }
}
