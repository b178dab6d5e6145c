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
    public static async Task ServeAsync(HttpContext context, ObjectStore store, ResourceDefinition definition, string? @namespace,
        Func<JsonObject, bool> matches, Func<JsonObject, JsonObject> shape, IQueryCollection query, CancellationToken serverStopping)
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

        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        IReadOnlyList<JsonObject> initial = [];
        if (after < 0)
        {
            var page = await store.ListAsync(definition, @namespace, matches, 0, null, cancel);
            (initial, after) = (page.Items, page.Revision);
        }
        await response.StartAsync(cancel);
        try
        {
            foreach (var item in initial)
                await WriteEventAsync(response, "ADDED", shape(item), cancel);
            await response.Body.FlushAsync(cancel);
            await foreach (var change in store.WatchAsync(definition, @namespace, after, cancel))
            {
                if (matches(change.Object))
                {
                    await WriteEventAsync(response, change.Type, shape(change.Object), cancel);
                    await response.Body.FlushAsync(cancel);
                }
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

    private static Task WriteEventAsync(HttpResponse response, string type, JsonObject item, CancellationToken cancel)
    {
        var line = JsonText.Write(new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }) + "\n";
        return response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cancel).AsTask();
    }
}
