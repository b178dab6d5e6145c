using System.Text.Json.Nodes;
using K3s.ApiServer.Resources;

namespace K3s.ApiServer.OpenApi;

/// <summary>The Swagger 2.0 document /openapi/v2 serves: every served kind's paths and definitions in one.</summary>
public static class OpenApiV2Builder
{
    public static JsonObject Build(IEnumerable<ResourceDefinition> definitions, KindSchemas kinds)
    {
        var flavor = OpenApiFlavor.V2;
        var schemas = new SchemaJson(flavor);
        var paths = new JsonObject();
        var builder = new OpenApiPaths(flavor);
        foreach (var definition in definitions.OrderBy(definition => definition.Group, StringComparer.Ordinal)
                     .ThenBy(definition => definition.Version, StringComparer.Ordinal).ThenBy(definition => definition.Plural, StringComparer.Ordinal))
            builder.Add(paths, definition, kinds.Include(definition, schemas, flavor));
        CommonSchemas.Include(schemas, kinds);
        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["definitions"] = schemas.Build(),
            ["securityDefinitions"] = new JsonObject
            {
                ["BearerToken"] = new JsonObject { ["type"] = "apiKey", ["description"] = "Bearer Token authentication", ["name"] = "authorization", ["in"] = "header" },
            },
            ["security"] = new JsonArray(new JsonObject { ["BearerToken"] = new JsonArray() }),
        };
    }
}
