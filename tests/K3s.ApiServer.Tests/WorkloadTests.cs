using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>Deployments, pods and services through KubernetesClient: defaults, generation, and the status, scale and binding subresources.</summary>
/// <remarks>On K3s.Kine here, on etcd in <see cref="WorkloadTestsOnEtcd"/>.</remarks>
public sealed class WorkloadTests(ApiServerFixture server) : WorkloadTests<ApiServerFixture>(server);

/// <summary>The tests of <see cref="WorkloadTests"/> on any datastore the fixture runs the API server on.</summary>
public abstract class WorkloadTests<TServer>(TServer server) : InFreshNamespace<TServer>(server)
    where TServer : ApiServerFixture
{

    private static V1Deployment Deployment(string name, string image = "nginx:1.27") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = image }] },
            },
        },
    };

    [Fact]
    public async Task A_deployment_gets_upstream_defaults_and_generation_one()
    {
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), Ns);

        Assert.Equal(1, created.Spec.Replicas);
        Assert.Equal("RollingUpdate", created.Spec.Strategy.Type);
        Assert.Equal("25%", created.Spec.Strategy.RollingUpdate.MaxSurge.Value);
        Assert.Equal(10, created.Spec.RevisionHistoryLimit);
        Assert.Equal(1, created.Metadata.Generation);
        var container = created.Spec.Template.Spec.Containers[0];
        Assert.Equal("IfNotPresent", container.ImagePullPolicy);
        Assert.Equal("/dev/termination-log", container.TerminationMessagePath);
        Assert.Equal("Always", created.Spec.Template.Spec.RestartPolicy);
    }

    [Fact]
    public async Task Spec_changes_bump_generation_and_metadata_changes_do_not()
    {
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("gen"), Ns);
        created.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        var relabelled = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "gen", Ns);
        Assert.Equal(1, relabelled.Metadata.Generation);

        relabelled.Spec.Template.Spec.Containers[0].Image = "nginx:1.28";
        var changed = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(relabelled, "gen", Ns);
        Assert.Equal(2, changed.Metadata.Generation);
    }

    [Fact]
    public async Task Status_changes_only_through_the_status_subresource()
    {
        var created = await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("st"), Ns);
        created.Status = new V1DeploymentStatus { Replicas = 1, ReadyReplicas = 1, ObservedGeneration = 1 };
        var ignored = await Client.AppsV1.ReplaceNamespacedDeploymentAsync(created, "st", Ns);
        Assert.Null(ignored.Status?.ReadyReplicas);

        ignored.Status = new V1DeploymentStatus { Replicas = 1, ReadyReplicas = 1, ObservedGeneration = 1 };
        ignored.Spec.Replicas = 5;
        var reported = await Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(ignored, "st", Ns);
        Assert.Equal(1, reported.Status.ReadyReplicas);
        Assert.Equal(1, reported.Spec.Replicas);
    }

    [Fact]
    public async Task Scale_reads_and_patches_the_replica_count()
    {
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("sc"), Ns);
        var scale = await Client.AppsV1.ReadNamespacedDeploymentScaleAsync("sc", Ns);
        Assert.Equal(1, scale.Spec.Replicas);
        Assert.Equal("app=sc", scale.Status.Selector);

        await Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "sc", Ns);
        var scaled = await Client.AppsV1.ReadNamespacedDeploymentAsync("sc", Ns);
        Assert.Equal(3, scaled.Spec.Replicas);
        Assert.Equal(2, scaled.Metadata.Generation);
    }

    [Fact]
    public async Task A_selector_that_misses_the_template_labels_is_invalid()
    {
        var deployment = Deployment("bad");
        deployment.Spec.Template.Metadata.Labels = new Dictionary<string, string> { ["app"] = "other" };
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, Ns));
        Assert.Equal((HttpStatusCode)422, error.Response.StatusCode);
        Assert.Contains("selector` does not match template `labels", error.Response.Content);
    }

    [Fact]
    public async Task A_created_pod_tolerates_not_ready_and_unreachable_nodes_for_300_seconds_unless_it_says_otherwise()
    {
        V1Pod Pod(string name, params V1Toleration[] tolerations) => new()
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }], Tolerations = tolerations },
        };

        var plain = await Client.CoreV1.CreateNamespacedPodAsync(Pod("plain"), Ns);
        Assert.Equal(
            [("node.kubernetes.io/not-ready", "Exists", "NoExecute", (long?)300), ("node.kubernetes.io/unreachable", "Exists", "NoExecute", 300)],
            plain.Spec.Tolerations.Select(t => (t.Key, t.OperatorProperty, t.Effect, t.TolerationSeconds)));

        var own = new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 60 };
        var patient = await Client.CoreV1.CreateNamespacedPodAsync(Pod("patient", own), Ns);
        Assert.Equal(
            [("node.kubernetes.io/unreachable", (long?)60), ("node.kubernetes.io/not-ready", 300)],
            patient.Spec.Tolerations.Select(t => (t.Key, t.TolerationSeconds)));

        // Tolerating every taint covers both already.
        var anything = await Client.CoreV1.CreateNamespacedPodAsync(Pod("anything", new V1Toleration { OperatorProperty = "Exists" }), Ns);
        Assert.Single(anything.Spec.Tolerations);
    }

    [Fact]
    public async Task A_pod_is_bound_once_and_selected_by_node()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] },
        };
        var created = await Client.CoreV1.CreateNamespacedPodAsync(pod, Ns);
        Assert.Equal("Pending", created.Status.Phase);
        Assert.Equal("BestEffort", created.Status.QosClass);
        Assert.Equal("Always", created.Spec.Containers[0].ImagePullPolicy);
        Assert.Contains(created.Spec.Tolerations, t => t.Key == "node.kubernetes.io/unreachable" && t.TolerationSeconds == 300);

        var binding = new V1Binding { Metadata = new V1ObjectMeta { Name = "p" }, Target = new V1ObjectReference { Kind = "Node", Name = "node-a" } };
        await Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", Ns);
        var again = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedPodBindingAsync(binding, "p", Ns));
        Assert.Equal(HttpStatusCode.Conflict, again.Response.StatusCode);

        var bound = await Client.CoreV1.ReadNamespacedPodAsync("p", Ns);
        Assert.Contains(bound.Status.Conditions, c => c.Type == "PodScheduled" && c.Status == "True");
        var onNode = await Client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "spec.nodeName=node-a");
        Assert.Equal("p", Assert.Single(onNode.Items).Metadata.Name);
        Assert.Empty((await Client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "spec.nodeName=node-b")).Items);
    }

    [Fact]
    public async Task Deleting_a_pod_or_a_service_answers_with_it_as_upstream_does()
    {
        await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "gone" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] },
        }, Ns);
        var deleted = await Client.CoreV1.DeleteNamespacedPodAsync("gone", Ns);
        Assert.Equal("gone", deleted.Metadata.Name);
        await Client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "gone" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] },
        }, Ns);
        Assert.Equal("gone", (await Client.CoreV1.DeleteNamespacedServiceAsync("gone", Ns)).Metadata.Name);
    }

    [Fact]
    public async Task A_pods_spec_other_than_images_is_immutable()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "imm" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox:1" }] },
        };
        var created = await Client.CoreV1.CreateNamespacedPodAsync(pod, Ns);
        created.Spec.Containers[0].Image = "busybox:2";
        var updated = await Client.CoreV1.ReplaceNamespacedPodAsync(created, "imm", Ns);
        Assert.Equal("busybox:2", updated.Spec.Containers[0].Image);

        updated.Spec.Containers[0].Name = "renamed";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReplaceNamespacedPodAsync(updated, "imm", Ns));
        Assert.Equal((HttpStatusCode)422, error.Response.StatusCode);
        Assert.Contains("pod updates may not change fields", error.Response.Content);
    }

    [Fact]
    public async Task A_service_defaults_its_ports_and_keeps_its_cluster_ip()
    {
        var service = new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "svc" },
            Spec = new V1ServiceSpec { ClusterIP = "10.43.0.20", Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Port = 80 }] },
        };
        var created = await Client.CoreV1.CreateNamespacedServiceAsync(service, Ns);
        Assert.Equal("ClusterIP", created.Spec.Type);
        Assert.Equal("TCP", created.Spec.Ports[0].Protocol);
        Assert.Equal("80", created.Spec.Ports[0].TargetPort.Value);

        created.Spec.ClusterIP = "10.43.0.21";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReplaceNamespacedServiceAsync(created, "svc", Ns));
        Assert.Equal((HttpStatusCode)422, error.Response.StatusCode);
        Assert.Contains("field is immutable", error.Response.Content);
    }

    [Fact]
    public async Task Events_written_as_core_v1_read_as_events_k8s_io()
    {
        var coreEvent = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "e1" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "p", NamespaceProperty = Ns },
            Reason = "Scheduled",
            Message = "assigned to node-a",
            Type = "Normal",
            Count = 2,
        };
        await Client.CoreV1.CreateNamespacedEventAsync(coreEvent, Ns);

        var read = await Client.EventsV1.ReadNamespacedEventAsync("e1", Ns);
        Assert.Equal("assigned to node-a", read.Note);
        Assert.Equal("p", read.Regarding.Name);
        Assert.Equal(2, read.DeprecatedCount);
        Assert.Equal("events.k8s.io/v1", read.ApiVersion);
        var byReason = await Client.CoreV1.ListNamespacedEventAsync(Ns, fieldSelector: "reason=Scheduled,involvedObject.kind=Pod");
        Assert.Single(byReason.Items);
    }

    [Fact]
    public async Task Kubectl_shows_deployment_columns_and_scales()
    {
        await Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("cols"), Ns);
        var (code, output, error) = await KubectlRunner.RunAsync(Server, "scale", "deployment/cols", "--replicas=3", "-n", Ns);
        Assert.True(code == 0, error);
        Assert.Contains("scaled", output);

        (code, output, error) = await KubectlRunner.RunAsync(Server, "get", "deploy", "-n", Ns, "-o", "wide");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["cols", "0/3", "0", "0"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);
        Assert.Equal(["web", "nginx:1.27", "app=cols"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[^3..]);
    }
}
