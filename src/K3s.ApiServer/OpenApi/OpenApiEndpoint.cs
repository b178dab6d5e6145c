using K3s.ApiServer.Machinery;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.OpenApi;

/// <summary>
/// Serves /openapi/v2 and /openapi/v3[/api/v1 | /apis/GROUP/VERSION] as JSON. The protobuf encodings
/// upstream also offers are not served: a request that accepts only protobuf is answered 406 Not
/// Acceptable, which kubectl takes as "no OpenAPI v2"; it needs v2 only as a fallback when v3 fails.
/// </summary>
public sealed class OpenApiEndpoint(OpenApiDocuments documents)
{
    private const string V3Prefix = "/openapi/v3/";

    public static bool Serves(string path) => path is "/openapi/v2" or "/openapi/v3" || path.StartsWith(V3Prefix, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context, string path)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource ({request.Method} {path})");
        if (!AcceptsJson(request.Headers.Accept.ToString()))
            throw new ApiException(406, "NotAcceptable", "only the following media types are accepted: application/json");

        var body = path switch
        {
            "/openapi/v2" => documents.V2(),
            "/openapi/v3" => documents.V3Index(),
            _ => documents.V3(path[V3Prefix.Length..])?.Json,
        } ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        if (HttpMethods.IsGet(request.Method))
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Whether an Accept header admits JSON: none at all, application/json, or a wildcard.</summary>
    public static bool AcceptsJson(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
            return true;
        return accept.Split(',').Select(range => range.Split(';')[0].Trim().ToLowerInvariant())
            .Any(mediaType => mediaType is "application/json" or "application/*" or "*/*");
    }
}
