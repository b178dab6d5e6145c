using System.Text.Json.Nodes;

namespace K3s.ApiServer.OpenApi;

/// <summary>
/// What differs between Swagger 2.0 (/openapi/v2) and OpenAPI 3.0 (/openapi/v3) in the documents built
/// here: where definitions live, how a described reference is written, and how parameters, bodies and
/// responses carry their schemas.
/// </summary>
public sealed class OpenApiFlavor
{
    private OpenApiFlavor(bool v3) => IsV3 = v3;

    public static OpenApiFlavor V2 { get; } = new(false);

    public static OpenApiFlavor V3 { get; } = new(true);

    public bool IsV3 { get; }

    public string RefPrefix => IsV3 ? "#/components/schemas/" : "#/definitions/";

    public JsonObject Ref(string definition) => new() { ["$ref"] = RefPrefix + definition };

    /// <summary>
    /// A reference with a description or extensions beside it. OpenAPI 3 ignores siblings of $ref, so
    /// upstream wraps the reference in allOf there; Swagger 2 documents from upstream put them side by side.
    /// </summary>
    public JsonObject DescribedRef(string definition, JsonObject siblings)
    {
        if (siblings.Count == 0)
            return Ref(definition);
        var schema = IsV3 ? new JsonObject { ["allOf"] = new JsonArray(Ref(definition)) } : Ref(definition);
        foreach (var (key, value) in siblings)
            schema[key] = value?.DeepClone();
        return schema;
    }

    public JsonObject Parameter(string name, string @in, string type, string description, bool required = false)
    {
        var parameter = new JsonObject { ["name"] = name, ["in"] = @in, ["description"] = description };
        if (required)
            parameter["required"] = true;
        if (IsV3)
            parameter["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true };
        else
        {
            parameter["type"] = type;
            parameter["uniqueItems"] = true;
        }
        return parameter;
    }

    /// <summary>A response whose body is the definition, in each of the media types listed.</summary>
    public JsonObject Response(string description, string? definition, IEnumerable<string> mediaTypes)
    {
        var response = new JsonObject { ["description"] = description };
        if (definition is null)
            return response;
        if (!IsV3)
        {
            response["schema"] = Ref(definition);
            return response;
        }
        var content = new JsonObject();
        foreach (var mediaType in mediaTypes)
            content[mediaType] = new JsonObject { ["schema"] = Ref(definition) };
        response["content"] = content;
        return response;
    }

    /// <summary>Adds the request body: a requestBody in OpenAPI 3, a body parameter and consumes in Swagger 2.</summary>
    public void AddBody(JsonObject operation, string definition, IReadOnlyList<string> mediaTypes, bool required)
    {
        if (IsV3)
        {
            var content = new JsonObject();
            foreach (var mediaType in mediaTypes)
                content[mediaType] = new JsonObject { ["schema"] = Ref(definition) };
            operation["requestBody"] = new JsonObject { ["content"] = content, ["required"] = required };
            return;
        }
        var parameters = operation["parameters"] as JsonArray ?? [];
        parameters.Insert(0, new JsonObject { ["name"] = "body", ["in"] = "body", ["required"] = required, ["schema"] = Ref(definition) });
        operation["parameters"] = parameters;
        operation["consumes"] = new JsonArray(mediaTypes.Select(mediaType => (JsonNode)mediaType).ToArray());
    }
}
