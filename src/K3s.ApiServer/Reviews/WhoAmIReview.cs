using System.Text.Json.Nodes;
using K3s.ApiServer.Security;

namespace K3s.ApiServer.Reviews;

/// <summary>SelfSubjectReview (kubectl auth whoami): the user name and groups the server knows the caller by.</summary>
public sealed class WhoAmIReview : IReview
{
    public JsonObject Status(JsonObject request, UserInfo user, string? @namespace) => new()
    {
        ["userInfo"] = new JsonObject
        {
            ["username"] = user.Name,
            ["groups"] = new JsonArray(user.Groups.Select(group => (JsonNode)group).ToArray()),
        },
    };
}
