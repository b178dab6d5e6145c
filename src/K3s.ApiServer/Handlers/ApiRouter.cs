using System.Text.Json.Nodes;
using K3s.ApiServer.Discovery;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.OpenApi;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Reviews;
using K3s.ApiServer.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace K3s.ApiServer.Handlers;

/// <summary>
/// Every request's way through the server: health and version for anyone, then authentication,
/// discovery, authorization and the resource's verb. Errors leave as metav1.Status.
/// </summary>
public sealed class ApiRouter(ResourceRegistry registry, ResourceHandler resources, HealthChecks health, Authenticator authenticator,
    IAuthorizer authorizer, ILogger logger)
{
    private readonly OpenApiEndpoint openApi = new(new OpenApiDocuments(() => registry.All, definition => definition.Schema));

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await JsonResponses.WriteErrorAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client hung up.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await JsonResponses.WriteErrorAsync(context, new ApiException(500, "InternalError", $"Internal error occurred: {e.Message}"));
        }
    }

    private async Task RouteAsync(HttpContext context)
    {
        // Clients ask for "/version/" as well as "/version".
        var path = context.Request.Path.Value is { Length: > 1 } given ? given.TrimEnd('/') : "/";
        if (HealthChecks.Paths.Contains(path))
        {
            await health.HandleAsync(context);
            return;
        }
        if (path == "/version")
        {
            await JsonResponses.WriteAsync(context, DiscoveryDocuments.Version());
            return;
        }
        var user = await authenticator.AuthenticateAsync(context) ?? throw ApiException.Unauthorized();
        if (OpenApiEndpoint.Serves(path))
        {
            await openApi.HandleAsync(context, path);
            return;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var core = segments.Length > 0 && segments[0] == "api";
        var named = segments.Length > 0 && segments[0] == "apis";
        var rest = segments.Skip(1).ToList();
        if ((core || named) && rest.Count == 0 && context.Request.Method == "GET" && AggregatedDiscovery.RequestedVersion(context.Request) is { } discoveryVersion)
        {
            await JsonResponses.WriteAsync(context, AggregatedDiscovery.Document(registry, core, discoveryVersion), contentType: AggregatedDiscovery.ContentType(discoveryVersion));
            return;
        }
        if ((core || named) && context.Request.Method == "GET" && DiscoveryAt(core, rest) is { } document)
        {
            await JsonResponses.WriteAsync(context, document);
            return;
        }
        var target = core || named ? RequestTarget.Parse(core, rest) : null;
        var definition = target is null ? null : registry.Find(target.Group, target.Version, target.Resource);
        if (target is null || definition is null)
            throw new ApiException(404, "NotFound", "the server could not find the requested resource");

        var verb = ResourceHandler.Verb(context.Request, target);
        if (!authorizer.Allows(user, verb, target.Group, target.Resource, target.Namespace, target.Name))
        {
            var scope = target.Namespace is null ? "at the cluster scope" : $"in the namespace \"{target.Namespace}\"";
            throw ApiException.Forbidden($"{definition.QualifiedResource} is forbidden: User \"{user.Name}\" cannot {verb} resource \"{target.Resource}\" in API group \"{target.Group}\" {scope}");
        }
        if (definition.Review is { } review)
            await ReviewAsync(context, target, definition, review, verb, user);
        else
            await resources.HandleAsync(context, target, definition);
    }

    /// <summary>A review is posted and answered with its status; it is not stored.</summary>
    private static async Task ReviewAsync(HttpContext context, RequestTarget target, ResourceDefinition definition, IReview review, string verb, UserInfo user)
    {
        if (verb != "create" || target.Name is not null)
            throw ApiException.MethodNotAllowed($"{definition.QualifiedResource} can only be created");
        var request = await RequestBody.ReadObjectAsync(context.Request, context.RequestAborted);
        request["status"] = review.Status(request, user, target.Namespace);
        request["apiVersion"] = definition.ApiVersion;
        request["kind"] = definition.Kind;
        await JsonResponses.WriteAsync(context, request, 201);
    }

    /// <summary>The discovery document at /api, /apis, /api/v1 or /apis/G[/V], or null if the path is not one.</summary>
    private JsonObject? DiscoveryAt(bool core, List<string> rest) => (core, rest.Count) switch
    {
        (true, 0) => DiscoveryDocuments.CoreVersions(),
        (true, 1) => DiscoveryDocuments.Resources(registry, "", rest[0]),
        (false, 0) => DiscoveryDocuments.Groups(registry),
        (false, 1) => DiscoveryDocuments.Group(registry, rest[0]),
        (false, 2) => DiscoveryDocuments.Resources(registry, rest[0], rest[1]),
        _ => null,
    };
}
