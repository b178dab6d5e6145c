using k8s;
using k8s.Models;

namespace K3s.ApiServer.Tests.Wire;

/// <summary>
/// kubectl 1.32's imperative creates, which send their objects as protobuf only, end to end against
/// the in-process server; each test in a namespace of its own.
/// </summary>
public sealed class KubectlCreateTests(ApiServerFixture server) : IClassFixture<ApiServerFixture>
{
    private async Task<string> FreshNamespaceAsync()
    {
        var ns = Namespaces.Fresh();
        using var client = server.Client();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        return ns;
    }

    /// <summary>Runs kubectl and asserts it succeeded, showing its error output when it did not.</summary>
    private async Task<string> KubectlAsync(params string[] arguments)
    {
        var (code, output, error) = await KubectlRunner.RunAsync(server, arguments);
        Assert.True(code == 0, $"kubectl {string.Join(' ', arguments)} exited {code}: {error}{output}");
        return output;
    }

    private Task<string> JsonPathAsync(string ns, string resource, string name, string path) =>
        KubectlAsync("get", resource, name, "-n", ns, "-o", "jsonpath=" + path);

    [Fact]
    public async Task Create_deployment_keeps_replicas_and_image()
    {
        var ns = await FreshNamespaceAsync();
        Assert.Equal("deployment.apps/web created", (await KubectlAsync("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "-n", ns)).Trim());
        Assert.Equal("2 nginx:1.27 web", await JsonPathAsync(ns, "deploy", "web", "{.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.selector.matchLabels.app}"));
    }

    [Fact]
    public async Task Create_deployment_with_a_command_and_a_port()
    {
        var ns = await FreshNamespaceAsync();
        await KubectlAsync("create", "deployment", "cmd", "--image=busybox", "--port=8080", "-n", ns, "--", "sleep", "3600");
        Assert.Equal("sleep 3600 8080", await JsonPathAsync(ns, "deploy", "cmd", "{.spec.template.spec.containers[0].command[0]} {.spec.template.spec.containers[0].command[1]} {.spec.template.spec.containers[0].ports[0].containerPort}"));
    }

    [Fact]
    public async Task Create_service_clusterip_keeps_port_and_target_port()
    {
        var ns = await FreshNamespaceAsync();
        Assert.Equal("service/web created", (await KubectlAsync("create", "service", "clusterip", "web", "--tcp=80:8080", "-n", ns)).Trim());
        Assert.Equal("ClusterIP 80 8080 TCP web", await JsonPathAsync(ns, "svc", "web", "{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.ports[0].protocol} {.spec.selector.app}"));
    }

    [Fact]
    public async Task Create_service_nodeport_and_loadbalancer()
    {
        var ns = await FreshNamespaceAsync();
        await KubectlAsync("create", "service", "nodeport", "np", "--tcp=80:8080", "-n", ns);
        Assert.Equal("NodePort 80 8080", await JsonPathAsync(ns, "svc", "np", "{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}"));
        await KubectlAsync("create", "service", "loadbalancer", "lb", "--tcp=443:8443", "-n", ns);
        Assert.Equal("LoadBalancer 443 8443", await JsonPathAsync(ns, "svc", "lb", "{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}"));
    }

    [Fact]
    public async Task Create_service_externalname()
    {
        var ns = await FreshNamespaceAsync();
        await KubectlAsync("create", "service", "externalname", "ext", "--external-name=db.example.com", "-n", ns);
        Assert.Equal("ExternalName db.example.com", await JsonPathAsync(ns, "svc", "ext", "{.spec.type} {.spec.externalName}"));
    }

    [Fact]
    public async Task Create_serviceaccount()
    {
        var ns = await FreshNamespaceAsync();
        Assert.Equal("serviceaccount/robot created", (await KubectlAsync("create", "serviceaccount", "robot", "-n", ns)).Trim());
        Assert.Equal("serviceaccount/robot", (await KubectlAsync("get", "sa", "robot", "-n", ns, "-o", "name")).Trim());
    }

    [Fact]
    public async Task Create_job_keeps_its_command()
    {
        var ns = await FreshNamespaceAsync();
        Assert.Equal("job.batch/once created", (await KubectlAsync("create", "job", "once", "--image=busybox", "-n", ns, "--", "echo", "hi")).Trim());
        Assert.Equal("busybox echo hi Never", await JsonPathAsync(ns, "job", "once", "{.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].command[0]} {.spec.template.spec.containers[0].command[1]} {.spec.template.spec.restartPolicy}"));
    }

    [Fact]
    public async Task Create_cronjob_keeps_its_schedule()
    {
        var ns = await FreshNamespaceAsync();
        Assert.Equal("cronjob.batch/tick created", (await KubectlAsync("create", "cronjob", "tick", "--image=busybox", "--schedule=*/1 * * * *", "-n", ns)).Trim());
        Assert.Equal("*/1 * * * * busybox", await JsonPathAsync(ns, "cronjob", "tick", "{.spec.schedule} {.spec.jobTemplate.spec.template.spec.containers[0].image}"));
    }

    [Fact]
    public async Task Create_role_and_rolebinding()
    {
        var ns = await FreshNamespaceAsync();
        Assert.Equal("role.rbac.authorization.k8s.io/reader created", (await KubectlAsync("create", "role", "reader", "--verb=get", "--verb=list", "--resource=pods", "-n", ns)).Trim());
        Assert.Equal("get list pods", await JsonPathAsync(ns, "role", "reader", "{.rules[0].verbs[0]} {.rules[0].verbs[1]} {.rules[0].resources[0]}"));

        await KubectlAsync("create", "rolebinding", "read", "--role=reader", "--user=alice", $"--serviceaccount={ns}:robot", "-n", ns);
        Assert.Equal("Role reader User alice ServiceAccount robot", await JsonPathAsync(ns, "rolebinding", "read", "{.roleRef.kind} {.roleRef.name} {.subjects[0].kind} {.subjects[0].name} {.subjects[1].kind} {.subjects[1].name}"));
    }

    [Fact]
    public async Task Create_clusterrole_and_clusterrolebinding()
    {
        var ns = await FreshNamespaceAsync();
        var role = ns + "-viewer";
        try
        {
            await KubectlAsync("create", "clusterrole", role, "--verb=get", "--resource=nodes", "--non-resource-url=/healthz", "--verb=get");
            Assert.Equal("get nodes", (await KubectlAsync("get", "clusterrole", role, "-o", "jsonpath={.rules[0].verbs[0]} {.rules[0].resources[0]}")));

            await KubectlAsync("create", "clusterrolebinding", role, $"--clusterrole={role}", "--group=viewers");
            Assert.Equal("ClusterRole " + role + " Group viewers", await KubectlAsync("get", "clusterrolebinding", role, "-o", "jsonpath={.roleRef.kind} {.roleRef.name} {.subjects[0].kind} {.subjects[0].name}"));
        }
        finally
        {
            await KubectlRunner.RunAsync(server, "delete", "clusterrolebinding", role, "--ignore-not-found");
            await KubectlRunner.RunAsync(server, "delete", "clusterrole", role, "--ignore-not-found");
        }
    }

    [Fact]
    public async Task Run_creates_a_pod()
    {
        var ns = await FreshNamespaceAsync();
        Assert.Equal("pod/p created", (await KubectlAsync("run", "p", "--image=busybox", "-n", ns)).Trim());
        Assert.Equal("busybox p", await JsonPathAsync(ns, "pod", "p", "{.spec.containers[0].image} {.metadata.labels.run}"));
    }

    [Fact]
    public async Task Run_with_env_limits_and_a_command()
    {
        var ns = await FreshNamespaceAsync();
        await KubectlAsync("run", "q", "--image=busybox", "--env=A=1", "--labels=tier=web", "--restart=Never", "-n", ns, "--override-type=strategic",
            "--overrides={\"spec\":{\"containers\":[{\"name\":\"q\",\"image\":\"busybox\",\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"64Mi\"}}}]}}",
            "--command", "--", "sleep", "60");
        Assert.Equal("A=1 web Never 500m 64Mi", await JsonPathAsync(ns, "pod", "q",
            "{.spec.containers[0].env[0].name}={.spec.containers[0].env[0].value} {.metadata.labels.tier} {.spec.restartPolicy} {.spec.containers[0].resources.limits.cpu} {.spec.containers[0].resources.limits.memory}"));
    }

    [Fact]
    public async Task Expose_deployment_makes_a_service_for_its_pods()
    {
        var ns = await FreshNamespaceAsync();
        await KubectlAsync("create", "deployment", "web", "--image=nginx:1.27", "-n", ns);
        Assert.Equal("service/web exposed", (await KubectlAsync("expose", "deployment", "web", "--port=80", "-n", ns)).Trim());
        Assert.Equal("80 80 web", await JsonPathAsync(ns, "svc", "web", "{.spec.ports[0].port} {.spec.ports[0].targetPort} {.spec.selector.app}"));
    }

    [Fact]
    public async Task Expose_with_a_named_target_port()
    {
        var ns = await FreshNamespaceAsync();
        await KubectlAsync("create", "deployment", "web", "--image=nginx:1.27", "-n", ns);
        await KubectlAsync("expose", "deployment", "web", "--name=named", "--port=80", "--target-port=http", "-n", ns);
        Assert.Equal("80 http", await JsonPathAsync(ns, "svc", "named", "{.spec.ports[0].port} {.spec.ports[0].targetPort}"));
    }
}
