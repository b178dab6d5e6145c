using k8s;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>
/// kubectl's declarative commands on the acceptance scenarios: apply and re-apply a Deployment
/// (strategic merge by container and env names), explain, strict field validation, and a CRD with a
/// custom resource — all with the written kubeconfig and no extra flags.
/// </summary>
public sealed class KubectlApplyTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private Task<(int ExitCode, string Output, string Error)> KubectlAsync(params string[] arguments) => KubectlRunner.RunAsync(server, arguments);

    private string WriteManifest(string yaml) => KubectlRunner.WriteManifest(server, yaml);

    private async Task<string> FreshNamespaceAsync()
    {
        var ns = Namespaces.Fresh();
        var (code, _, error) = await KubectlAsync("create", "namespace", ns);
        Assert.True(code == 0, error);
        return ns;
    }

    private static string Deployment(string ns, string image, string envBlock) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: {ns}
        spec:
          replicas: 1
          selector:
            matchLabels: {"{"}app: web{"}"}
          template:
            metadata:
              labels: {"{"}app: web{"}"}
            spec:
              containers:
              - name: web
                image: {image}
                env:
        {envBlock}
              - name: sidecar
                image: busybox:1.36
        """;

    [Fact]
    public async Task Apply_reapply_and_scale_a_deployment()
    {
        var ns = await FreshNamespaceAsync();
        var first = WriteManifest(Deployment(ns, "nginx:1.27", """
                    - name: MODE
                      value: blue
                    - name: LEVEL
                      value: "1"
            """));
        var (code, output, error) = await KubectlAsync("apply", "-f", first);
        Assert.True(code == 0, error);
        Assert.Contains("deployment.apps/web created", output);

        // Someone else adds a variable the manifest does not manage: a strategic merge keeps it.
        (code, _, error) = await KubectlAsync("set", "env", "deployment/web", "-n", ns, "-c", "web", "EXTRA=kept");
        Assert.True(code == 0, error);

        var second = WriteManifest(Deployment(ns, "nginx:1.28", """
                    - name: MODE
                      value: green
            """));
        (code, output, error) = await KubectlAsync("apply", "-f", second);
        Assert.True(code == 0, error);
        Assert.Contains("deployment.apps/web configured", output);

        using var client = server.Client();
        var applied = await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        var web = applied.Spec.Template.Spec.Containers.Single(c => c.Name == "web");
        Assert.Equal("nginx:1.28", web.Image);
        Assert.Equal([("MODE", "green"), ("EXTRA", "kept")], web.Env.Select(e => (e.Name, e.Value)).ToList());
        Assert.Equal("busybox:1.36", applied.Spec.Template.Spec.Containers.Single(c => c.Name == "sidecar").Image);

        (code, output, error) = await KubectlAsync("scale", "deployment/web", "--replicas=3", "-n", ns);
        Assert.True(code == 0, error);
        (code, output, error) = await KubectlAsync("get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}");
        Assert.True(code == 0, error);
        Assert.Equal("3", output);
    }

    [Fact]
    public async Task Explain_deployment_spec_replicas()
    {
        var (code, output, error) = await KubectlAsync("explain", "deployment.spec.replicas");
        Assert.True(code == 0, error);
        Assert.Contains("GROUP:      apps", output);
        Assert.Contains("FIELD: replicas <integer>", output);
        Assert.Contains("Number of desired pods.", output);
    }

    [Fact]
    public async Task Unknown_fields_are_refused_by_create_and_kept_with_validation_off()
    {
        var ns = await FreshNamespaceAsync();
        var manifest = WriteManifest($"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: odd
              namespace: {ns}
            data:
              a: "1"
            colour: blue
            """);
        var (code, _, error) = await KubectlAsync("create", "-f", manifest);
        Assert.NotEqual(0, code);
        Assert.Contains("unknown field \"colour\"", error);

        (code, _, error) = await KubectlAsync("create", "-f", manifest, "--validate=warn");
        Assert.True(code == 0, error);
        Assert.Contains("unknown field \"colour\"", error);
        var (_, output, _) = await KubectlAsync("get", "cm", "odd", "-n", ns, "-o", "jsonpath={.colour}");
        Assert.Equal("blue", output);
    }

    [Fact]
    public async Task A_crd_and_its_custom_resources_with_kubectl()
    {
        var ns = await FreshNamespaceAsync();
        var crd = WriteManifest("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.acceptance.example.com
            spec:
              group: acceptance.example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          size: {type: integer}
                additionalPrinterColumns:
                - {name: Size, type: integer, jsonPath: .spec.size}
                - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
            """);
        var (code, output, error) = await KubectlAsync("apply", "-f", crd);
        Assert.True(code == 0, error);
        Assert.Contains("created", output);

        var widget = WriteManifest($"""
            apiVersion: acceptance.example.com/v1
            kind: Widget
            metadata:
              name: w1
              namespace: {ns}
            spec:
              size: 3
            """);
        (code, output, error) = await KubectlAsync("create", "-f", widget);
        Assert.True(code == 0, error);
        Assert.Contains("widget.acceptance.example.com/w1 created", output);

        (code, output, error) = await KubectlAsync("get", "widgets", "-n", ns);
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "SIZE", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["w1", "3"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]);

        (code, output, error) = await KubectlAsync("delete", "wd", "w1", "-n", ns);
        Assert.True(code == 0, error);
        (code, output, error) = await KubectlAsync("get", "widgets", "-n", ns);
        Assert.True(code == 0, error);
        Assert.Contains("No resources found", output + error);
    }
}
