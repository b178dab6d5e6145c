using System.Globalization;
using System.Text.Json.Nodes;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Schema;

namespace K3s.ApiServer.OpenApi;

/// <summary>
/// The paths of one served kind, laid out as upstream's: the collection and the item, in a namespace
/// and cluster-wide, with operations named and tagged as upstream names them (listCoreV1NamespacedConfigMap)
/// and carrying x-kubernetes-action and x-kubernetes-group-version-kind. kubectl finds a kind's PATCH
/// operation by that extension and reads its parameters for fieldValidation, and its request body's
/// media types for strategic-merge-patch support.
/// </summary>
public sealed class OpenApiPaths(OpenApiFlavor flavor)
{
    public const string StatusDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
    public const string DeleteOptionsDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
    public const string PatchDefinition = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

    private static readonly string[] Produces = ["application/json"];
    private static readonly string[] ProducesWatch = ["application/json", "application/json;stream=watch"];

    /// <summary>Adds the kind's paths to a document's paths.</summary>
    public void Add(JsonObject paths, ResourceDefinition definition, KindSchemas.Names names)
    {
        var prefix = definition.Group.Length == 0 ? $"/api/{definition.Version}" : $"/apis/{definition.Group}/{definition.Version}";
        var scope = definition.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{definition.Plural}" : $"{prefix}/{definition.Plural}";
        var namespaced = definition.Namespaced ? "Namespaced" : "";
        JsonObject[] ScopeParameters() => definition.Namespaced ? [Namespace()] : [];

        paths[scope] = PathItem(
            [.. ScopeParameters(), Pretty()],
            ("get", Operation(definition, "list", "list", namespaced, $"list or watch objects of kind {definition.Kind}", ListParameters(), names.List, ["200"])),
            ("post", Body(Operation(definition, "post", "create", namespaced, $"create a {definition.Kind}", WriteParameters(), names.Kind, ["200", "201", "202"]), names.Kind, ["*/*"])),
            ("delete", Body(Operation(definition, "deletecollection", "delete", "Collection" + namespaced, $"delete collection of {definition.Kind}",
                [.. DeleteParameters(), .. ListParameters()], StatusDefinition, ["200"]), DeleteOptionsDefinition, ["*/*"], required: false)));

        paths[$"{scope}/{{name}}"] = PathItem(
            [Name(definition), .. ScopeParameters(), Pretty()],
            ("get", Operation(definition, "get", "read", namespaced, $"read the specified {definition.Kind}", [], names.Kind, ["200"])),
            ("put", Body(Operation(definition, "put", "replace", namespaced, $"replace the specified {definition.Kind}", WriteParameters(), names.Kind, ["200", "201"]), names.Kind, ["*/*"])),
            ("patch", Body(Operation(definition, "patch", "patch", namespaced, $"partially update the specified {definition.Kind}",
                [.. WriteParameters(), Force()], names.Kind, ["200", "201"]), PatchDefinition, PatchMediaTypes(names.BuiltIn))),
            ("delete", Body(Operation(definition, "delete", "delete", namespaced, $"delete a {definition.Kind}", DeleteParameters(), StatusDefinition, ["200", "202"]),
                DeleteOptionsDefinition, ["*/*"], required: false)));

        if (definition.Namespaced)
            paths[$"{prefix}/{definition.Plural}"] = PathItem(
                [.. ListParameters(), Pretty()],
                ("get", Operation(definition, "list", "list", "", $"list or watch objects of kind {definition.Kind}", [], names.List, ["200"], forAllNamespaces: true)));
    }

    /// <summary>Strategic merge patches need the schema's merge keys, which only built-in kinds have here.</summary>
    private static string[] PatchMediaTypes(bool builtIn) => builtIn
        ? ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"]
        : ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"];

    private static JsonObject PathItem(JsonObject[] parameters, params (string Method, JsonObject Operation)[] operations)
    {
        var item = new JsonObject();
        foreach (var (method, operation) in operations)
            item[method] = operation;
        item["parameters"] = new JsonArray(parameters.Select(parameter => (JsonNode)parameter).ToArray());
        return item;
    }

    private JsonObject Operation(ResourceDefinition definition, string action, string verb, string beforeKind, string description, JsonObject[] parameters,
        string responseDefinition, string[] codes, bool forAllNamespaces = false)
    {
        var operation = new JsonObject
        {
            ["description"] = description,
            ["operationId"] = verb + GroupVersionWord(definition) + beforeKind + definition.Kind + (forAllNamespaces ? "ForAllNamespaces" : ""),
            ["tags"] = new JsonArray((JsonNode)Tag(definition)),
        };
        if (parameters.Length > 0)
            operation["parameters"] = new JsonArray(parameters.Select(parameter => (JsonNode)parameter).ToArray());
        if (!flavor.IsV3)
        {
            operation["consumes"] = new JsonArray("*/*");
            operation["produces"] = new JsonArray((action == "list" ? ProducesWatch : Produces).Select(mediaType => (JsonNode)mediaType).ToArray());
            operation["schemes"] = new JsonArray("https");
        }
        var responses = new JsonObject();
        foreach (var code in codes)
            responses[code] = flavor.Response(code switch { "201" => "Created", "202" => "Accepted", _ => "OK" }, responseDefinition,
                action == "list" ? ProducesWatch : Produces);
        responses["401"] = flavor.Response("Unauthorized", null, []);
        operation["responses"] = responses;
        operation["x-kubernetes-action"] = action;
        operation["x-kubernetes-group-version-kind"] = SchemaJson.GroupVersionKind(new GroupVersionKind(definition.Group, definition.Version, definition.Kind));
        return operation;
    }

    private JsonObject Body(JsonObject operation, string definition, string[] mediaTypes, bool required = true)
    {
        flavor.AddBody(operation, definition, mediaTypes, required);
        return operation;
    }

    /// <summary>The group and version as operation ids spell them: "" v1 → CoreV1, rbac.authorization.k8s.io v1 → RbacAuthorizationV1.</summary>
    private static string GroupVersionWord(ResourceDefinition definition)
    {
        var group = definition.Group.Length == 0 ? "core" : definition.Group.EndsWith(".k8s.io", StringComparison.Ordinal) ? definition.Group[..^".k8s.io".Length] : definition.Group;
        return string.Concat(group.Split('.', '-').Select(Capitalized)) + Capitalized(definition.Version);
    }

    private static string Tag(ResourceDefinition definition)
    {
        var word = GroupVersionWord(definition);
        var version = Capitalized(definition.Version);
        var group = word[..^version.Length];
        return char.ToLowerInvariant(group[0]) + group[1..] + "_" + definition.Version;
    }

    private static string Capitalized(string word) =>
        word.Length == 0 ? word : char.ToUpper(word[0], CultureInfo.InvariantCulture) + word[1..];

    private JsonObject Name(ResourceDefinition definition) =>
        flavor.Parameter("name", "path", "string", $"name of the {definition.Kind}", required: true);

    private JsonObject Namespace() =>
        flavor.Parameter("namespace", "path", "string", "object name and auth scope, such as for teams and projects", required: true);

    private JsonObject Pretty() => flavor.Parameter("pretty", "query", "string", "If 'true', then the output is pretty printed.");

    private JsonObject Force() => flavor.Parameter("force", "query", "boolean",
        "Force is going to \"force\" Apply requests. It means user will re-acquire conflicting fields owned by other people. It must be unset for non-apply patch requests.");

    /// <summary>What create, update and patch take; kubectl looks here for fieldValidation before it sends one.</summary>
    private JsonObject[] WriteParameters() =>
    [
        flavor.Parameter("dryRun", "query", "string", "When present, indicates that modifications should not be persisted. The only valid value is All."),
        flavor.Parameter("fieldManager", "query", "string", "fieldManager is a name associated with the actor or entity that is making these changes."),
        flavor.Parameter("fieldValidation", "query", "string",
            "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict."),
    ];

    private JsonObject[] DeleteParameters() =>
    [
        flavor.Parameter("dryRun", "query", "string", "When present, indicates that modifications should not be persisted. The only valid value is All."),
        flavor.Parameter("gracePeriodSeconds", "query", "integer", "The duration in seconds before the object should be deleted."),
        flavor.Parameter("propagationPolicy", "query", "string", "Whether and how garbage collection will be performed: Orphan, Background or Foreground."),
    ];

    private JsonObject[] ListParameters() =>
    [
        flavor.Parameter("allowWatchBookmarks", "query", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"."),
        flavor.Parameter("continue", "query", "string", "The continue option should be set when retrieving more results from the server."),
        flavor.Parameter("fieldSelector", "query", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
        flavor.Parameter("labelSelector", "query", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
        flavor.Parameter("limit", "query", "integer", "limit is a maximum number of responses to return for a list call."),
        flavor.Parameter("resourceVersion", "query", "string", "resourceVersion sets a constraint on what resource versions a request may be served from."),
        flavor.Parameter("resourceVersionMatch", "query", "string", "resourceVersionMatch determines how resourceVersion is applied to list calls."),
        flavor.Parameter("timeoutSeconds", "query", "integer", "Timeout for the list/watch call."),
        flavor.Parameter("watch", "query", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."),
    ];
}
