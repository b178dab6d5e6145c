using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.Core.Serialization;
using K3s.ApiServer.Wire;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>Reads a request's body as JSON, whatever media type it came in, within the upstream size limit.</summary>
public static class RequestBody
{
    /// <summary>The kube-apiserver's limit on a request body.</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    public const string Json = "application/json";
    public const string Yaml = "application/yaml";
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>The media type without parameters ("application/json; charset=utf-8" → "application/json").</summary>
    public static string MediaType(HttpRequest request) =>
        (request.ContentType ?? Json).Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>The body parsed as JSON or YAML; null when it is empty.</summary>
    public static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var mediaType = MediaType(request);
        if (mediaType is not (Json or Yaml or ProtobufDecoder.MediaType or JsonPatch or MergePatch or StrategicMergePatch))
            throw ApiException.UnsupportedMediaType(mediaType);
        if (request.ContentLength > MaxBytes)
            throw ApiException.TooLarge();
        // One pooled buffer per request, grown as the body comes (its length is often unknown under HTTP/2).
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(request.ContentLength ?? 4096, 1, MaxBytes) + 1);
        var length = 0;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxBytes)
                    throw ApiException.TooLarge();
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
            return length == 0 ? null : Parse(mediaType, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static JsonNode? Parse(string mediaType, ReadOnlySpan<byte> body)
    {
        if (mediaType == ProtobufDecoder.MediaType)
            return ProtobufDecoder.Decode(body);
        if (mediaType == Yaml)
        {
            try
            {
                return YamlToJson.Convert(Encoding.UTF8.GetString(body));
            }
            catch (FormatException e)
            {
                throw ApiException.BadRequest(e.Message);
            }
        }
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"the body of the request is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The body as an object, as create and update need it.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken) =>
        await ReadAsync(request, cancellationToken) as JsonObject
            ?? throw ApiException.BadRequest("the body of the request must be an object");
}
