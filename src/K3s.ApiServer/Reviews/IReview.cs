using System.Text.Json.Nodes;
using K3s.ApiServer.Security;

namespace K3s.ApiServer.Reviews;

/// <summary>
/// A kind that is a question, not an object (SelfSubjectAccessReview, SelfSubjectReview): created
/// only, never stored; the answer is the request with its status filled in.
/// </summary>
public interface IReview
{
    /// <param name="request">The review as posted.</param>
    /// <param name="user">Who asks.</param>
    /// <param name="namespace">The namespace of the request path, for namespaced reviews.</param>
    JsonObject Status(JsonObject request, UserInfo user, string? @namespace);
}
