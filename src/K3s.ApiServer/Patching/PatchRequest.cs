using System.Text.Json.Nodes;
using K3s.ApiServer.Handlers;
using K3s.ApiServer.Machinery;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Patching;

/// <summary>
/// A PATCH request's body, read once, to apply to an object by the patch type its Content-Type
/// names — again to a fresh copy if someone else wrote the object meanwhile.
/// </summary>
public sealed class PatchRequest
{
    private readonly string mediaType;
    private readonly JsonNode? patch;

    private PatchRequest(string mediaType, JsonNode? patch)
    {
        this.mediaType = mediaType;
        this.patch = patch;
    }

    /// <summary>
    /// How many times a patch that names no resourceVersion is applied again after losing a race with another
    /// write. Upstream's update loop tries until the request times out; a controller writing status many times
    /// a second can win five races in a row, so the bound is high, only there so no request spins forever.
    /// </summary>
    public const int Attempts = 100;

    /// <param name="strategic">Whether the kind takes strategic merge patches (built-in kinds only, as upstream).</param>
    public static async Task<PatchRequest> ReadAsync(HttpRequest request, bool strategic, CancellationToken cancellationToken)
    {
        var mediaType = RequestBody.MediaType(request);
        if (mediaType == RequestBody.ApplyPatch)
            throw new ApiException(415, "UnsupportedMediaType", "server-side apply is not supported yet; use client-side apply (kubectl apply without --server-side)");
        if (mediaType == RequestBody.StrategicMergePatch && !strategic)
            throw new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        if (mediaType is not (RequestBody.JsonPatch or RequestBody.MergePatch or RequestBody.StrategicMergePatch))
            throw ApiException.UnsupportedMediaType(mediaType);
        return new PatchRequest(mediaType, await RequestBody.ReadAsync(request, cancellationToken));
    }

    /// <param name="schema">The patched object's schema, for a strategic merge patch.</param>
    public JsonObject Apply(JsonObject current, IPatchSchema? schema) => mediaType switch
    {
        RequestBody.JsonPatch => JsonPatch.Apply(current, patch),
        RequestBody.MergePatch => JsonMergePatch.Apply(current.DeepClone(), patch),
        _ => StrategicMergePatch.Apply(current, patch ?? throw ApiException.BadRequest("the patch is empty"), schema),
    } as JsonObject ?? throw ApiException.BadRequest("the patch does not leave an object");

    /// <summary>
    /// Whether a conflict on writing <paramref name="patched"/> is a lost race to retry rather than the
    /// client's precondition: the patch left the version it was applied to as it was.
    /// </summary>
    public static bool MayRetry(ApiException conflict, JsonObject patched, JsonObject current, int attempt) =>
        conflict.Code == 409 && conflict.Reason == "Conflict" && attempt < Attempts
        && JsonPaths.GetString(patched, "metadata.resourceVersion") == JsonPaths.GetString(current, "metadata.resourceVersion");
}
