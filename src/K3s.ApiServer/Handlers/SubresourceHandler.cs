using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.OpenApi;
using K3s.ApiServer.Schema;
using K3s.ApiServer.Patching;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>
/// The subresources: /status (read and replace only the status), /scale (the Scale view of a
/// workload's replicas), pods' /binding (a pod set on a node, once) and namespaces' /finalize.
/// </summary>
public sealed class SubresourceHandler(ObjectStore store, KindSchemas schemas)
{
    public async Task HandleAsync(HttpContext context, RequestTarget target, ResourceDefinition definition, string? @namespace, bool dryRun)
    {
        var name = target.Name!;
        var method = context.Request.Method;
        var cancel = context.RequestAborted;
        switch (target.Subresource)
        {
            case "status" when definition.HasStatus:
                await JsonResponses.WriteAsync(context, method switch
                {
                    "GET" => await store.GetAsync(definition, @namespace, name, cancel),
                    "PUT" or "PATCH" => await ChangeAsync(context, definition, @namespace, name, dryRun,
                        view: item => item, apply: (item, changed) => Replace(item, "status", changed["status"]), PatchSchema(definition)),
                    _ => throw NotAllowed(),
                });
                break;
            case "scale" when definition.Scale is { } scale:
                var view = method == "GET"
                    ? await store.GetAsync(definition, @namespace, name, cancel)
                    : method is "PUT" or "PATCH"
                        ? await ChangeAsync(context, definition, @namespace, name, dryRun, scale.View, scale.WithReplicas, ScaleSchema)
                        : throw NotAllowed();
                await JsonResponses.WriteAsync(context, scale.View(view));
                break;
            case "binding" when definition.Kind == "Pod" && definition.Group.Length == 0 && method == "POST":
                await BindAsync(context, definition, @namespace, name, dryRun);
                break;
            case "finalize" when definition.Kind == "Namespace" && definition.Group.Length == 0 && method == "PUT":
                await JsonResponses.WriteAsync(context, await ChangeAsync(context, definition, @namespace, name, dryRun,
                    view: item => item, apply: (item, changed) =>
                    {
                        var spec = item["spec"] as JsonObject ?? [];
                        item["spec"] = Replace(spec, "finalizers", JsonPaths.Get(changed, "spec.finalizers"));
                        return item;
                    }, PatchSchema(definition)));
                break;
            default:
                throw ApiException.NotFound(definition.QualifiedResource + "/" + target.Subresource, name);
        }
    }

    /// <summary>
    /// A PUT or PATCH of a subresource: the client sends (or patches) the subresource's view of the
    /// object, and <paramref name="apply"/> carries its part over into the stored object.
    /// </summary>
    private async Task<JsonObject> ChangeAsync(HttpContext context, ResourceDefinition definition, string? @namespace, string name, bool dryRun,
        Func<JsonObject, JsonObject> view, Func<JsonObject, JsonObject, JsonObject> apply, IPatchSchema? patchSchema)
    {
        var request = context.Request;
        var cancel = context.RequestAborted;
        if (request.Method != "PATCH")
        {
            var body = await RequestBody.ReadObjectAsync(request, cancel);
            return await store.ChangeAsync(definition, @namespace, name, JsonPaths.GetString(body, "metadata.resourceVersion"),
                item => apply(item, body), dryRun, cancel);
        }
        var patch = await PatchRequest.ReadAsync(request, patchSchema is not null, cancel);
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(definition, @namespace, name, cancel);
            var changed = patch.Apply(view(current), patchSchema);
            // A patch applies to the version read, unless it names one itself.
            var expectedVersion = JsonPaths.GetString(changed, "metadata.resourceVersion") ?? JsonPaths.GetString(current, "metadata.resourceVersion");
            try
            {
                return await store.ChangeAsync(definition, @namespace, name, expectedVersion, item => apply(item, changed), dryRun, cancel);
            }
            catch (ApiException conflict) when (PatchRequest.MayRetry(conflict, changed, current, attempt))
            {
                // Lost a race with another write (a controller's status update): patch what it wrote.
            }
        }
    }

    private async Task BindAsync(HttpContext context, ResourceDefinition pods, string? @namespace, string name, bool dryRun)
    {
        var binding = await RequestBody.ReadObjectAsync(context.Request, context.RequestAborted);
        var node = JsonPaths.GetString(binding, "target.name");
        if (string.IsNullOrEmpty(node))
            throw ApiException.Invalid("Binding", name, [("target.name", "Required value")]);
        await store.ChangeAsync(pods, @namespace, name, JsonPaths.GetString(binding, "metadata.resourceVersion"), pod =>
        {
            if (JsonPaths.GetString(pod, "spec.nodeName") is { Length: > 0 } assigned)
                throw ApiException.Conflict("pods/binding", name, $"pod {name} is already assigned to node \"{assigned}\"");
            JsonPaths.Set(pod, "spec.nodeName", node);
            // As upstream's binding: the pod is scheduled in the same write.
            SetCondition(pod, "PodScheduled", "True");
            return pod;
        }, dryRun, context.RequestAborted);
        await JsonResponses.WriteAsync(context, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["code"] = 201,
        }, 201);
    }

    private static void SetCondition(JsonObject item, string type, string status)
    {
        var conditions = JsonPaths.Get(item, "status.conditions") as JsonArray ?? [];
        var condition = conditions.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);
        if (condition is null)
            conditions.Add(condition = new JsonObject { ["type"] = type });
        if ((string?)condition["status"] != status)
            condition["lastTransitionTime"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        condition["status"] = status;
        condition["lastProbeTime"] = null;
        JsonPaths.Set(item, "status.conditions", conditions);
    }

    private static JsonObject Replace(JsonObject item, string member, JsonNode? value)
    {
        if (value is null)
            item.Remove(member);
        else
            item[member] = value.DeepClone();
        return item;
    }

    /// <summary>Strategic merge patches are for built-in kinds only, as upstream.</summary>
    private IPatchSchema? PatchSchema(ResourceDefinition definition) => definition.DefinedBy is null ? schemas.NodeFor(definition) : null;

    private static IPatchSchema? ScaleSchema => SchemaCatalog.Shared.ForKind("autoscaling", "v1", "Scale");

    private static ApiException NotAllowed() => ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
}
