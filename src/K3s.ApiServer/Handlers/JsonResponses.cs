using System.Text;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>Writing JSON answers and metav1.Status errors.</summary>
public static class JsonResponses
{
    public static Task WriteAsync(HttpContext context, JsonNode body, int status = 200, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return JsonText.WriteAsync(context.Response.BodyWriter, body, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, ApiException error) => WriteAsync(context, error.ToStatus(), error.Code);
}
