using k8s;
using k8s.Models;

namespace K3s.Controllers.Tests;

/// <summary>
/// Plays the kubelet for one namespace, as there is no agent yet: every pod that is not Ready is
/// marked Running and Ready through /status, as a kubelet reports started containers.
/// </summary>
internal sealed class PlayingKubelet : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Task running;

    public PlayingKubelet(Kubernetes client, string @namespace) => running = RunAsync(client, @namespace, stopping.Token);

    private static async Task RunAsync(Kubernetes client, string @namespace, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var pod in (await client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken)).Items)
                {
                    if (pod.Metadata.DeletionTimestamp is not null || pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true)
                        continue;
                    var now = DateTime.UtcNow;
                    pod.Status ??= new V1PodStatus();
                    pod.Status.Phase = "Running";
                    pod.Status.StartTime = now;
                    pod.Status.Conditions =
                    [
                        new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = now },
                        new V1PodCondition { Type = "ContainersReady", Status = "True", LastTransitionTime = now },
                    ];
                    await client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, pod.Metadata.Name, @namespace, cancellationToken: cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A pod changed or went between the list and the update: the next round sees it as it is.
            }
            await Task.Delay(200, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await running;
        stopping.Dispose();
    }
}
