using System.Text.Json.Nodes;
using K3s.ApiServer.Handlers;
using K3s.ApiServer.Machinery;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Patching;

/// <summary>A PATCH request's body applied to an object, by the patch type its Content-Type names.</summary>
public static class PatchRequest
{
    public static async Task<JsonObject> ApplyAsync(HttpRequest request, JsonObject current, CancellationToken cancellationToken)
    {
        var mediaType = RequestBody.MediaType(request);
        if (mediaType == RequestBody.ApplyPatch)
            throw new ApiException(415, "UnsupportedMediaType", "server-side apply is not supported yet; use client-side apply (kubectl apply without --server-side)");
        var patch = await RequestBody.ReadAsync(request, cancellationToken);
        var patched = mediaType switch
        {
            RequestBody.JsonPatch => JsonPatch.Apply(current, patch),
            // The served kinds have no lists with merge keys yet, so a strategic merge is a merge.
            RequestBody.MergePatch or RequestBody.StrategicMergePatch => JsonMergePatch.Apply(current.DeepClone(), patch),
            _ => throw ApiException.UnsupportedMediaType(mediaType),
        } as JsonObject ?? throw ApiException.BadRequest("the patch does not leave an object");
        return patched;
    }
}
