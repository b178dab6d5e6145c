using System.Text.Json.Nodes;

namespace K3s.ApiServer.OpenApi;

/// <summary>The definitions every document's operations refer to: Status, DeleteOptions and Patch.</summary>
public static class CommonSchemas
{
    public static void Include(SchemaJson schemas, KindSchemas kinds)
    {
        kinds.IncludeCatalog(OpenApiPaths.StatusDefinition, schemas);
        kinds.IncludeCatalog(OpenApiPaths.DeleteOptionsDefinition, schemas);
        // KubernetesClient has no model of Patch: the body of a PATCH is whatever its media type says.
        if (!schemas.Contains(OpenApiPaths.PatchDefinition))
            schemas.IncludeJson(OpenApiPaths.PatchDefinition, new JsonObject
            {
                ["description"] = "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
                ["type"] = "object",
            });
    }
}
