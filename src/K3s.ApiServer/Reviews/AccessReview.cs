using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Security;

namespace K3s.ApiServer.Reviews;

/// <summary>
/// authorization.k8s.io access reviews: may the asking user (SelfSubjectAccessReview), or the user the
/// spec names (SubjectAccessReview, LocalSubjectAccessReview), do a verb on a resource? The authorizer answers.
/// </summary>
public sealed class AccessReview(IAuthorizer authorizer, bool aboutSelf) : IReview
{
    public JsonObject Status(JsonObject request, UserInfo user, string? @namespace)
    {
        var subject = aboutSelf ? user : new UserInfo(JsonPaths.GetString(request, "spec.user") ?? "",
            (JsonPaths.Get(request, "spec.groups") as JsonArray)?.Select(g => g?.ToString() ?? "").ToList() ?? []);
        var attributes = JsonPaths.Get(request, "spec.resourceAttributes");
        var nonResource = JsonPaths.Get(request, "spec.nonResourceAttributes");
        if (attributes is null && nonResource is null)
            throw ApiException.Invalid("SelfSubjectAccessReview", "", [("spec.resourceAttributes", "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified")]);
        var allowed = attributes is not null
            ? authorizer.Allows(subject, JsonPaths.GetString(attributes, "verb") ?? "", JsonPaths.GetString(attributes, "group") ?? "",
                JsonPaths.GetString(attributes, "resource") ?? "", @namespace ?? JsonPaths.GetString(attributes, "namespace"), JsonPaths.GetString(attributes, "name"))
            : authorizer.Allows(subject, JsonPaths.GetString(nonResource, "verb") ?? "", "", JsonPaths.GetString(nonResource, "path") ?? "", null, null);
        var status = new JsonObject { ["allowed"] = allowed };
        if (!allowed)
            status["reason"] = "no rule allows it";
        return status;
    }
}
