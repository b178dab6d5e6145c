using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>What two kinds add to the generic store: namespace defaults and name rules, secret encoding.</summary>
public sealed class NamespaceAndSecretTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private readonly Kubernetes client = server.Client();

    [Fact]
    public async Task A_new_namespace_is_active_with_the_kubernetes_finalizer_and_its_name_label()
    {
        var name = Namespaces.Fresh();
        var created = await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        Assert.Equal("Active", created.Status.Phase);
        Assert.Equal(["kubernetes"], created.Spec.Finalizers);
        Assert.Equal(name, created.Metadata.Labels["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public async Task A_namespace_name_must_be_a_DNS_label()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "has.dot" } }));
        ConfigMapTests.AssertStatus(error, (HttpStatusCode)422, "Invalid", "RFC 1123 label");
    }

    [Fact]
    public async Task A_namespace_keeps_its_status_when_replaced()
    {
        var name = Namespaces.Fresh();
        var created = await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        created.Status = null;
        created.Metadata.Labels["team"] = "a";
        var replaced = await client.CoreV1.ReplaceNamespaceAsync(created, name);
        Assert.Equal("Active", replaced.Status.Phase);
        Assert.Equal("a", replaced.Metadata.Labels["team"]);
    }

    [Fact]
    public async Task Nothing_is_created_in_a_namespace_that_does_not_exist()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, Namespaces.Fresh()));
        ConfigMapTests.AssertStatus(error, HttpStatusCode.NotFound, "NotFound", "namespaces");
    }

    [Fact]
    public async Task Nothing_is_created_in_a_namespace_from_the_moment_its_deletion_returns()
    {
        // No namespace controller runs here: the deleted namespace stays terminating behind its finalizer.
        var ns = Namespaces.Fresh();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "before" } }, ns);
        await client.CoreV1.DeleteNamespaceAsync(ns);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after" } }, ns));
        ConfigMapTests.AssertStatus(error, HttpStatusCode.Forbidden, "Forbidden", "because it is being terminated");
    }

    [Fact]
    public async Task StringData_is_stored_base64_encoded_in_data_and_type_defaults_to_Opaque()
    {
        var ns = Namespaces.Fresh();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["password"] = "hunter2" } };
        await client.CoreV1.CreateNamespacedSecretAsync(secret, ns);
        var read = await client.CoreV1.ReadNamespacedSecretAsync("s", ns);
        Assert.Equal("Opaque", read.Type);
        Assert.Null(read.StringData);
        Assert.Equal("hunter2", Encoding.UTF8.GetString(read.Data["password"]));
    }
}
