using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Resources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace K3s.ApiServer.Tables;

/// <summary>
/// meta.k8s.io Table responses, which kubectl asks for (Accept: application/json;as=Table;…) to print
/// `get` output: NAME, the kind's columns, AGE, and the wide columns; each row carries the object's
/// metadata (or the whole object with includeObject=Object).
/// </summary>
public sealed class TableConverter(TimeProvider clock)
{
    /// <summary>The Table version the client accepts, or null if it wants the objects themselves.</summary>
    public static string? RequestedVersion(HttpRequest request)
    {
        foreach (var accept in request.Headers.Accept.SelectMany(header => (header ?? "").Split(',')))
        {
            var parameters = accept.Split(';').Skip(1).Select(p => p.Trim()).ToList();
            if (parameters.Contains("as=Table") && parameters.Contains("g=meta.k8s.io"))
                return parameters.Contains("v=v1beta1") ? "meta.k8s.io/v1beta1" : "meta.k8s.io/v1";
        }
        return null;
    }

    public JsonObject Convert(ResourceDefinition definition, IEnumerable<JsonObject> items, JsonObject listMetadata, string apiVersion,
        StringValues includeObject)
    {
        var columns = Columns(definition);
        var now = clock.GetUtcNow();
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = apiVersion,
            ["metadata"] = listMetadata.DeepClone(),
            ["columnDefinitions"] = new JsonArray(columns.Select(column => (JsonNode)new JsonObject
            {
                ["name"] = column.Name,
                ["type"] = column.Type,
                ["format"] = column.Name == "Name" ? "name" : "",
                ["description"] = column.Description,
                ["priority"] = column.Priority,
            }).ToArray()),
            ["rows"] = new JsonArray(items.Select(item => (JsonNode)new JsonObject
            {
                ["cells"] = new JsonArray(columns.Select(column => column.Cell(item, now)).ToArray()),
                ["object"] = RowObject(item, includeObject.ToString(), apiVersion),
            }).ToArray()),
        };
    }

    private static readonly TableColumn Age = TableColumn.AgeOf("Age", "metadata.creationTimestamp",
        "CreationTimestamp is a timestamp representing the server time when this object was created.", "<unknown>");

    /// <summary>NAME, the kind's columns, AGE, then the wide ones; or the kind's own full set.</summary>
    private static List<TableColumn> Columns(ResourceDefinition definition) => definition.NameAndAge
        ? [TableColumn.ObjectName, .. definition.Columns.Where(c => c.Priority == 0), Age, .. definition.Columns.Where(c => c.Priority > 0)]
        : [.. definition.Columns];

    /// <summary>What a row carries: metadata by default, the object itself, or nothing.</summary>
    private static JsonNode? RowObject(JsonObject item, string includeObject, string apiVersion) => includeObject switch
    {
        "None" => null,
        "Object" => item.DeepClone(),
        _ => new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = apiVersion,
            ["metadata"] = item["metadata"]?.DeepClone(),
        },
    };
}
