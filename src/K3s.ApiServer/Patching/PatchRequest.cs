using System.Text.Json.Nodes;
using K3s.ApiServer.Handlers;
using K3s.ApiServer.Machinery;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Patching;

/// <summary>A PATCH request's body applied to an object, by the patch type its Content-Type names.</summary>
public static class PatchRequest
{
    /// <param name="schema">The patched object's schema, for a strategic merge patch; null where there is none (custom resources).</param>
    public static async Task<JsonObject> ApplyAsync(HttpRequest request, JsonObject current, IPatchSchema? schema, CancellationToken cancellationToken)
    {
        var mediaType = RequestBody.MediaType(request);
        if (mediaType == RequestBody.ApplyPatch)
            throw new ApiException(415, "UnsupportedMediaType", "server-side apply is not supported yet; use client-side apply (kubectl apply without --server-side)");
        if (mediaType == RequestBody.StrategicMergePatch && schema is null)
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        var patch = await RequestBody.ReadAsync(request, cancellationToken);
        var patched = mediaType switch
        {
            RequestBody.JsonPatch => JsonPatch.Apply(current, patch),
            RequestBody.MergePatch => JsonMergePatch.Apply(current.DeepClone(), patch),
            RequestBody.StrategicMergePatch => StrategicMergePatch.Apply(current, patch ?? throw ApiException.BadRequest("the patch is empty"), schema),
            _ => throw ApiException.UnsupportedMediaType(mediaType),
        } as JsonObject ?? throw ApiException.BadRequest("the patch does not leave an object");
        return patched;
    }
}
