using K3s.ApiServer.Reviews;
using K3s.ApiServer.Security;

namespace K3s.ApiServer.Resources.Kinds;

/// <summary>The review kinds of authorization.k8s.io and authentication.k8s.io: create-only questions.</summary>
public static class ReviewKinds
{
    public static IEnumerable<ResourceDefinition> All(IAuthorizer authorizer) =>
    [
        Review("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, new AccessReview(authorizer, aboutSelf: true)),
        Review("authorization.k8s.io", "SubjectAccessReview", "subjectaccessreviews", false, new AccessReview(authorizer, aboutSelf: false)),
        Review("authorization.k8s.io", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, new AccessReview(authorizer, aboutSelf: false)),
        Review("authorization.k8s.io", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, new RulesReview(authorizer)),
        Review("authentication.k8s.io", "SelfSubjectReview", "selfsubjectreviews", false, new WhoAmIReview()),
    ];

    private static ResourceDefinition Review(string group, string kind, string plural, bool namespaced, IReview review) =>
        new(group, "v1", kind, plural, namespaced, []) { Review = review, AllowedVerbs = ["create"] };
}
