using System.Text.Json.Nodes;
using K3s.ApiServer.Security;

namespace K3s.ApiServer.Reviews;

/// <summary>
/// SelfSubjectRulesReview (kubectl auth can-i --list): what the asking user may do in a namespace.
/// While every authenticated user may do anything, that is one rule for everything.
/// </summary>
public sealed class RulesReview(IAuthorizer authorizer) : IReview
{
    public JsonObject Status(JsonObject request, UserInfo user, string? @namespace)
    {
        var everything = authorizer.Allows(user, "*", "*", "*", @namespace, null);
        return new JsonObject
        {
            ["resourceRules"] = everything
                ? new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") })
                : new JsonArray(),
            ["nonResourceRules"] = everything
                ? new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") })
                : new JsonArray(),
            ["incomplete"] = false,
        };
    }
}
