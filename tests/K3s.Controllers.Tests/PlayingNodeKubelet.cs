using k8s;
using k8s.Models;

namespace K3s.Controllers.Tests;

/// <summary>
/// Plays the kubelet of one node: registers it Ready, renews its lease in kube-node-lease, and marks
/// the pods bound to it Running and Ready. Stopped, it goes silent as a node that lost its network;
/// resumed, it posts Ready with a fresh heartbeat and renews its lease again, as a kubelet back online.
/// </summary>
internal sealed class PlayingNodeKubelet : IAsyncDisposable
{
    private static readonly TimeSpan RenewInterval = TimeSpan.FromMilliseconds(400);

    private readonly Kubernetes client;
    private readonly string node;
    private CancellationTokenSource? stopping;
    private Task running = Task.CompletedTask;

    private PlayingNodeKubelet(Kubernetes client, string node)
    {
        this.client = client;
        this.node = node;
    }

    public static async Task<PlayingNodeKubelet> RegisterAsync(Kubernetes client, string node, IDictionary<string, string> labels)
    {
        var registered = TestObjects.Node(node, labels: labels);
        registered.Status.Conditions[0].LastHeartbeatTime = DateTime.UtcNow;
        await client.CoreV1.CreateNodeAsync(registered);
        var kubelet = new PlayingNodeKubelet(client, node);
        kubelet.Start();
        return kubelet;
    }

    public async Task StopAsync()
    {
        if (stopping is null)
            return;
        await stopping.CancelAsync();
        await running;
        stopping.Dispose();
        stopping = null;
    }

    /// <summary>Back online: Ready again with a fresh heartbeat (the controller had set Unknown), then renewing as before.</summary>
    public async Task ResumeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await client.CoreV1.ReadNodeAsync(node);
            var now = DateTime.UtcNow;
            current.Status.Conditions = current.Status.Conditions
                .Select(condition => condition.Type == "Ready"
                    ? new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", LastHeartbeatTime = now, LastTransitionTime = now }
                    : new V1NodeCondition { Type = condition.Type, Status = "False", Reason = "KubeletHasSufficientResources", LastHeartbeatTime = now, LastTransitionTime = now })
                .ToList();
            try
            {
                await client.CoreV1.ReplaceNodeStatusAsync(current, node);
                break;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 10)
            {
            }
        }
        Start();
    }

    private void Start()
    {
        stopping = new CancellationTokenSource();
        running = RunAsync(stopping.Token);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RenewLeaseAsync(cancellationToken);
                await MarkPodsReadyAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A write lost a race: the next round tries again.
            }
            await Task.Delay(RenewInterval, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RenewLeaseAsync(CancellationToken cancellationToken)
    {
        V1Lease lease;
        try
        {
            lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(node, "kube-node-lease", cancellationToken: cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = node, NamespaceProperty = "kube-node-lease" },
                Spec = new V1LeaseSpec { HolderIdentity = node, LeaseDurationSeconds = 40, RenewTime = DateTime.UtcNow },
            }, "kube-node-lease", cancellationToken: cancellationToken);
            return;
        }
        lease.Spec.RenewTime = DateTime.UtcNow;
        await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, node, "kube-node-lease", cancellationToken: cancellationToken);
    }

    private async Task MarkPodsReadyAsync(CancellationToken cancellationToken)
    {
        var pods = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: $"spec.nodeName={node}", cancellationToken: cancellationToken);
        foreach (var pod in pods.Items)
        {
            if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
                continue;
            var now = DateTime.UtcNow;
            pod.Status ??= new V1PodStatus();
            pod.Status.Phase = "Running";
            pod.Status.StartTime ??= now;
            pod.Status.Conditions = (pod.Status.Conditions ?? []).Where(c => c.Type is not ("Ready" or "ContainersReady"))
                .Append(new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = now })
                .Append(new V1PodCondition { Type = "ContainersReady", Status = "True", LastTransitionTime = now })
                .ToList();
            await client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: cancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
