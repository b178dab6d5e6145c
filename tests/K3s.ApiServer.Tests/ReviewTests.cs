using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>The review kinds answer who the caller is and what it may do, and are never stored.</summary>
public sealed class ReviewTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Self_subject_access_review_answers_for_the_admin()
    {
        using var client = server.Client();
        var review = await client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
        {
            Spec = new V1SelfSubjectAccessReviewSpec
            {
                ResourceAttributes = new V1ResourceAttributes { Verb = "delete", Resource = "pods", NamespaceProperty = "default" },
            },
        });
        Assert.True(review.Status.Allowed);
    }

    [Fact]
    public async Task Self_subject_review_names_the_admin_and_its_groups()
    {
        using var client = server.Client();
        var review = await client.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview());
        Assert.Equal(server.Certificates.Admin.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false), review.Status.UserInfo.Username);
        Assert.Contains("system:masters", review.Status.UserInfo.Groups);
    }

    [Fact]
    public async Task Reviews_cannot_be_listed()
    {
        using var http = server.Admin();
        using var response = await http.GetAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task An_access_review_without_attributes_is_invalid()
    {
        using var client = server.Client();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview { Spec = new V1SelfSubjectAccessReviewSpec() }));
        Assert.Equal((HttpStatusCode)422, error.Response.StatusCode);
    }
}
