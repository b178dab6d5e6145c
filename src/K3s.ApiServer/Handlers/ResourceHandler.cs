using System.Buffers;
using System.Globalization;
using System.Text.Json.Nodes;
using K3s.ApiServer.CustomResources;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.OpenApi;
using K3s.ApiServer.Patching;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Storage;
using K3s.ApiServer.Tables;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>
/// The verbs on a resource, for every kind alike: get, list, watch, create, update, patch, delete and
/// deletecollection, mapped from the HTTP method and whether the path names an object.
/// </summary>
public sealed class ResourceHandler(ObjectStore store, NamespaceLifecycle namespaces, TableConverter tables, SubresourceHandler subresources,
    CustomResourceRegistrar customResources, KindSchemas schemas, TimeSpan bookmarkInterval, CancellationToken serverStopping)
{
    private readonly FieldValidation fieldValidation = new(schemas);

    /// <summary>The verb a request is, as authorization names it.</summary>
    public static string Verb(HttpRequest request, RequestTarget target) => (request.Method, target.Name is null) switch
    {
        ("GET", true) => IsWatch(request.Query) ? "watch" : "list",
        ("GET", false) => "get",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "deletecollection",
        ("DELETE", false) => "delete",
        _ => request.Method.ToLowerInvariant(),
    };

    public async Task HandleAsync(HttpContext context, RequestTarget target, ResourceDefinition definition)
    {
        if (definition.Namespaced != (target.Namespace is not null) && target.Name is not null)
            throw ApiException.NotFound(definition.QualifiedResource, target.Name);
        var request = context.Request;
        var cancel = context.RequestAborted;
        var @namespace = definition.Namespaced ? target.Namespace : null;
        var dryRun = DryRun(request.Query);
        if (target.Subresource is not null)
        {
            await subresources.HandleAsync(context, target, definition, @namespace, dryRun);
            return;
        }
        var asTable = TableConverter.RequestedVersion(request) is { } tableVersion
            ? (Func<IEnumerable<JsonObject>, JsonObject, JsonObject>)((items, metadata) => tables.Convert(definition, items, metadata, tableVersion, request.Query["includeObject"]))
            : null;
        switch (Verb(request, target))
        {
            case "get":
                var found = await store.GetAsync(definition, @namespace, target.Name!, cancel);
                await JsonResponses.WriteAsync(context, asTable is null ? found : asTable([found], new JsonObject { ["resourceVersion"] = ObjectStore.Metadata(found)["resourceVersion"]?.DeepClone() }));
                break;
            case "list" when asTable is null && definition.Conversion is null && !HasSelectors(request.Query):
                await ListJsonAsync(context, definition, @namespace);
                break;
            case "list":
                var list = await ListAsync(definition, @namespace, request.Query, cancel);
                await JsonResponses.WriteAsync(context, asTable is null ? list : asTable(((JsonArray)list["items"]!).Cast<JsonObject>(), (JsonObject)list["metadata"]!));
                break;
            case "watch":
                // Objects go out as they are (null), or as one-row Tables for kubectl's get -w.
                Func<JsonObject, JsonObject>? shape = asTable is null ? null : item => asTable([item], new JsonObject());
                await WatchStream.ServeAsync(context, store, definition, @namespace, Filter(definition, request.Query), shape, request.Query, bookmarkInterval, serverStopping);
                break;
            case "create":
                await CreateAsync(context, definition, @namespace, dryRun);
                break;
            case "update":
                var replacement = CheckNamespace(await RequestBody.ReadObjectAsync(request, cancel), @namespace);
                await fieldValidation.CheckAsync(context, definition, replacement, () => store.GetAsync(definition, @namespace, target.Name!, cancel));
                await JsonResponses.WriteAsync(context, await WrittenAsync(definition, await store.UpdateAsync(definition, @namespace, target.Name!, replacement, dryRun, cancel), cancel));
                break;
            case "patch":
                await JsonResponses.WriteAsync(context, await WrittenAsync(definition, await PatchAsync(context, definition, @namespace, target.Name!, dryRun), cancel));
                break;
            case "delete":
                await DeleteAsync(context, definition, @namespace, target.Name!, dryRun);
                break;
            case "deletecollection":
                await DeleteCollectionAsync(context, definition, @namespace, dryRun);
                break;
            default:
                throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource");
        }
    }

    private async Task<JsonObject> ListAsync(ResourceDefinition definition, string? @namespace, IQueryCollection query, CancellationToken cancel)
    {
        var (limit, @continue, atRevision, wanted) = ListParameters(query);
        var page = await store.ListAsync(definition, @namespace, Filter(definition, query), limit, @continue, cancel, atRevision);
        return new JsonObject
        {
            ["kind"] = definition.ListKind,
            ["apiVersion"] = definition.ApiVersion,
            ["metadata"] = ListMetadata(page.Revision, page.Continue, wanted),
            ["items"] = new JsonArray(page.Items.Cast<JsonNode>().ToArray()),
        };
    }

    /// <summary>A list without selectors or Table: the stored JSON of each object goes out as it is, with its version.</summary>
    private async Task ListJsonAsync(HttpContext context, ResourceDefinition definition, string? @namespace)
    {
        var (limit, @continue, atRevision, wanted) = ListParameters(context.Request.Query);
        var page = await store.ListJsonAsync(definition, @namespace, limit, @continue, context.RequestAborted, atRevision);
        var head = new JsonObject { ["kind"] = definition.ListKind, ["apiVersion"] = definition.ApiVersion, ["metadata"] = ListMetadata(page.Revision, page.Continue, wanted) };
        var opening = JsonText.WriteBytes(head);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var body = context.Response.BodyWriter;
        body.Write(opening.AsSpan(0, opening.Length - 1));
        body.Write(",\"items\":["u8);
        for (var i = 0; i < page.Items.Count; i++)
        {
            if (i > 0)
                body.Write(","u8);
            body.Write(page.Items[i]);
        }
        body.Write("]}"u8);
        await body.FlushAsync(context.RequestAborted);
    }

    private static (long Limit, string? Continue, long AtRevision, long Wanted) ListParameters(IQueryCollection query)
    {
        var limit = query.TryGetValue("limit", out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : 0;
        var @continue = query.TryGetValue("continue", out var token) && !string.IsNullOrEmpty(token) ? token.ToString() : null;
        var version = ListVersion.Parse(query, @continue is not null);
        return (limit, @continue, version.Exact ? version.Revision : 0, version.Revision);
    }

    /// <summary>A list's metadata; a list not older than a version the store has not reached yet is refused, as upstream gives up waiting.</summary>
    private static JsonObject ListMetadata(long revision, string? @continue, long wanted)
    {
        if (revision < wanted)
            throw new ApiException(504, "Timeout", $"Too large resource version: {wanted}, current: {revision}",
                new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ResourceVersionTooLarge", ["message"] = "Too large resource version" }), ["retryAfterSeconds"] = 1 });
        var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
        if (@continue is not null)
            metadata["continue"] = @continue;
        return metadata;
    }

    private static bool HasSelectors(IQueryCollection query) =>
        !string.IsNullOrEmpty(query["labelSelector"]) || !string.IsNullOrEmpty(query["fieldSelector"]);

    private async Task CreateAsync(HttpContext context, ResourceDefinition definition, string? @namespace, bool dryRun)
    {
        var cancel = context.RequestAborted;
        if (definition.Namespaced && @namespace is null)
            throw ApiException.MethodNotAllowed($"{definition.QualifiedResource} are created in a namespace: POST to .../namespaces/NAMESPACE/{definition.Plural}");
        var item = CheckNamespace(await RequestBody.ReadObjectAsync(context.Request, cancel), @namespace);
        if (@namespace is not null)
            await namespaces.RequireLiveAsync(@namespace, cancel);
        await fieldValidation.CheckAsync(context, definition, item);
        await JsonResponses.WriteAsync(context, await WrittenAsync(definition, await store.CreateAsync(definition, @namespace, item, dryRun, cancel), cancel), 201);
    }

    private async Task<JsonObject> PatchAsync(HttpContext context, ResourceDefinition definition, string? @namespace, string name, bool dryRun)
    {
        var cancel = context.RequestAborted;
        var schema = definition.DefinedBy is null ? schemas.NodeFor(definition) : null;
        var patch = await PatchRequest.ReadAsync(context.Request, schema is not null, cancel);
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(definition, @namespace, name, cancel);
            var patched = patch.Apply(current, schema);
            if (attempt == 1)
                await fieldValidation.CheckAsync(context, definition, patched, () => Task.FromResult(current));
            // A patch applies to the version read; a resourceVersion the patch sets is a precondition.
            ObjectStore.Metadata(patched)["resourceVersion"] ??= ObjectStore.Metadata(current)["resourceVersion"]?.DeepClone();
            try
            {
                return await store.UpdateAsync(definition, @namespace, name, patched, dryRun, cancel);
            }
            catch (ApiException conflict) when (PatchRequest.MayRetry(conflict, patched, current, attempt))
            {
                // Someone else wrote it between our read and write: apply the patch to what they wrote.
            }
        }
    }

    private async Task DeleteAsync(HttpContext context, ResourceDefinition definition, string? @namespace, string name, bool dryRun)
    {
        var body = await RequestBody.ReadAsync(context.Request, context.RequestAborted) as JsonObject;
        dryRun |= body?["dryRun"] is JsonArray flags && flags.Any(flag => (string?)flag == "All");
        var result = await store.DeleteAsync(definition, @namespace, name, DeleteRequest.Options(body, context.Request.Query), dryRun, context.RequestAborted);
        if (definition.Kind == "Namespace" && definition.Group.Length == 0 && !dryRun)
            namespaces.Deleted(result.Object);
        await WrittenAsync(definition, result.Object, context.RequestAborted);
        if (!result.Removed || definition.ReturnsDeletedObject)
        {
            await JsonResponses.WriteAsync(context, result.Object);
            return;
        }
        var details = new JsonObject { ["name"] = name, ["kind"] = definition.Plural, ["uid"] = ObjectStore.Metadata(result.Object)["uid"]?.DeepClone() };
        if (definition.Group.Length > 0)
            details["group"] = definition.Group;
        await JsonResponses.WriteAsync(context, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        });
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourceDefinition definition, string? @namespace, bool dryRun)
    {
        var cancel = context.RequestAborted;
        var body = await RequestBody.ReadAsync(context.Request, cancel) as JsonObject;
        // Preconditions name one object; for a collection only the policy and grace period apply.
        var options = DeleteRequest.Options(body, context.Request.Query) with { ResourceVersion = null, Uid = null };
        var page = await store.ListAsync(definition, @namespace, Filter(definition, context.Request.Query), 0, null, cancel);
        var deleted = new JsonArray();
        foreach (var item in page.Items)
        {
            var metadata = ObjectStore.Metadata(item);
            try
            {
                var result = await store.DeleteAsync(definition, (string?)metadata["namespace"], (string)metadata["name"]!, options, dryRun, cancel);
                deleted.Add(result.Object);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted by someone else meanwhile: the outcome asked for.
            }
        }
        await JsonResponses.WriteAsync(context, new JsonObject
        {
            ["kind"] = definition.ListKind,
            ["apiVersion"] = definition.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = page.Revision.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        });
    }

    /// <summary>
    /// A custom resource definition's write returns once this server serves (or stops serving) its
    /// kinds, so a client can use them at once, as after upstream's Established condition.
    /// </summary>
    private async Task<JsonObject> WrittenAsync(ResourceDefinition definition, JsonObject result, CancellationToken cancel)
    {
        if (definition.Kind == "CustomResourceDefinition" && definition.Group == "apiextensions.k8s.io")
            await customResources.CaughtUpAsync(JsonPaths.GetString(result, "metadata.resourceVersion"), cancel);
        return result;
    }

    private static Func<JsonObject, bool> Filter(ResourceDefinition definition, IQueryCollection query)
    {
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"], definition.Kind, definition.SelectableFields);
        return item => labels.Matches(item) && fields.Matches(item);
    }

    /// <summary>An object's namespace, if it names one, must be the request's.</summary>
    private static JsonObject CheckNamespace(JsonObject item, string? @namespace)
    {
        if (@namespace is not null && ObjectStore.Metadata(item)["namespace"] is JsonValue given && (string?)given is { Length: > 0 } named && named != @namespace)
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        return item;
    }

    private static bool IsWatch(IQueryCollection query) =>
        query.TryGetValue("watch", out var value) && value.ToString() is "true" or "1";

    private static bool DryRun(IQueryCollection query) =>
        query.TryGetValue("dryRun", out var value) && value.Contains("All");
}
