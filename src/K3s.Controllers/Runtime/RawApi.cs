using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace K3s.Controllers.Runtime;

/// <summary>A Kubernetes API error a raw request got back: the HTTP status and the Status message.</summary>
public sealed class ApiCallException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// Requests by path, for what KubernetesClient's typed operations do not reach: discovery of every
/// group and verbs on resources known only at run time. Uses the client's own connection and credentials.
/// </summary>
public sealed class RawApi(Kubernetes client)
{
    public async Task<JsonObject> GetAsync(string path, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public async Task<JsonObject> DeleteAsync(string path, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public async Task<JsonObject> PutAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Put, path, body, cancellationToken);

    public async Task<JsonObject> PostAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Post, path, body, cancellationToken);

    /// <summary>A JSON merge patch (RFC 7386): what the body names is set, the rest stays.</summary>
    public async Task<JsonObject> MergePatchAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Patch, path, body, cancellationToken, "application/merge-patch+json");

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(client.BaseUri, path.TrimStart('/')));
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType);
        if (client.Credentials is not null)
            await client.Credentials.ProcessHttpRequestAsync(request, cancellationToken);
        using var response = await client.HttpClient.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var document = text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null;
        if (!response.IsSuccessStatusCode)
            throw new ApiCallException(response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {(string?)document?["message"] ?? response.ReasonPhrase}");
        return document ?? [];
    }
}
