using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.OpenApi;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Schema;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>
/// The fieldValidation directive of a write: fields the kind's schema does not know are refused
/// (Strict, 400), reported in Warning headers (Warn, the default) or passed over (Ignore). Unlike
/// upstream, Warn and Ignore keep such fields: nothing a client sends is silently dropped.
/// </summary>
public sealed class FieldValidation(KindSchemas schemas)
{
    /// <param name="current">Reads the stored object on an update or patch: fields it already has are not the request's doing.</param>
    public async Task CheckAsync(HttpContext context, ResourceDefinition definition, JsonObject item, Func<Task<JsonObject>>? current = null)
    {
        var directive = context.Request.Query["fieldValidation"].ToString();
        if (directive is not ("" or "Ignore" or "Warn" or "Strict"))
            throw ApiException.BadRequest($"fieldValidation must be one of Ignore, Warn or Strict, not \"{directive}\"");
        if (directive == "Ignore" || schemas.NodeFor(definition) is not { } schema)
            return;
        var unknown = UnknownFields.Find(item, schema);
        if (unknown.Count > 0 && current is not null)
            unknown = unknown.Except(UnknownFields.Find(await current(), schema)).ToList();
        if (unknown.Count == 0)
            return;
        if (directive == "Strict")
            throw ApiException.BadRequest(UnknownFields.StrictMessage(definition.Kind, definition.Version, unknown));
        foreach (var path in unknown)
            context.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{path}\\\"\"");
    }
}
