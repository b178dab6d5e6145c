using System.Text.Json.Nodes;
using K3s.ApiServer.Resources;

namespace K3s.ApiServer.OpenApi;

/// <summary>
/// OpenAPI 3.0 documents, one per group version as /openapi/v3/api/v1 and /openapi/v3/apis/GROUP/VERSION
/// serve them, each with the paths of its kinds and every schema they reach.
/// </summary>
public static class OpenApiV3Builder
{
    /// <summary>The path of a group version in /openapi/v3's index: "api/v1", "apis/apps/v1".</summary>
    public static string PathOf(string group, string version) => group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    /// <summary>One document per served group version, by its index path.</summary>
    public static SortedDictionary<string, JsonObject> Build(IEnumerable<ResourceDefinition> definitions, KindSchemas kinds)
    {
        var documents = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var groupVersion in definitions.GroupBy(definition => PathOf(definition.Group, definition.Version)))
            documents[groupVersion.Key] = Document(groupVersion.OrderBy(definition => definition.Plural, StringComparer.Ordinal), kinds);
        return documents;
    }

    public static JsonObject Document(IEnumerable<ResourceDefinition> definitions, KindSchemas kinds)
    {
        var flavor = OpenApiFlavor.V3;
        var schemas = new SchemaJson(flavor);
        var paths = new JsonObject();
        var builder = new OpenApiPaths(flavor);
        foreach (var definition in definitions)
            builder.Add(paths, definition, kinds.Include(definition, schemas, flavor));
        CommonSchemas.Include(schemas, kinds);
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["BearerToken"] = new JsonObject { ["type"] = "apiKey", ["description"] = "Bearer Token authentication", ["name"] = "authorization", ["in"] = "header" },
                },
                ["schemas"] = schemas.Build(),
            },
            ["security"] = new JsonArray(new JsonObject { ["BearerToken"] = new JsonArray() }),
        };
    }
}
