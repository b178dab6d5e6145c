using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Runtime;

/// <summary>
/// Writes core/v1 Events about objects, as client-go's event recorder: the same reason and message
/// about the same object again raises the count of the event already written instead of adding one.
/// Events are best effort: a failure is logged, never thrown, so it cannot stop a controller.
/// </summary>
public sealed class EventRecorder(Kubernetes client, string component, ILogger logger)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    /// <summary>Past this many remembered events the memory is cleared; the next repeat starts a new event.</summary>
    private const int RememberedEvents = 4096;

    private readonly ConcurrentDictionary<(string Uid, string Reason, string Message), (string Name, int Count)> written = new();

    public async Task RecordAsync(V1ObjectReference about, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var @namespace = string.IsNullOrEmpty(about.NamespaceProperty) ? "default" : about.NamespaceProperty;
        var key = (about.Uid ?? $"{@namespace}/{about.Name}", reason, message);
        var now = DateTime.UtcNow;
        try
        {
            if (written.TryGetValue(key, out var earlier) && await IncrementAsync(@namespace, earlier.Name, earlier.Count + 1, now, cancellationToken))
            {
                written[key] = (earlier.Name, earlier.Count + 1);
                return;
            }
            var created = await client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                // NAME.<unix nanoseconds in hex>, as client-go names events.
                Metadata = new V1ObjectMeta { Name = $"{about.Name}.{(now - DateTime.UnixEpoch).Ticks * 100:x}", NamespaceProperty = @namespace },
                InvolvedObject = about,
                Type = type,
                Reason = reason,
                Message = message,
                Source = new V1EventSource { Component = component },
                ReportingComponent = component,
                ReportingInstance = Environment.MachineName,
                FirstTimestamp = now,
                LastTimestamp = now,
                Count = 1,
            }, @namespace, cancellationToken: cancellationToken);
            if (written.Count >= RememberedEvents)
                written.Clear();
            written[key] = (created.Metadata.Name, 1);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug("event {Reason} about {Name} not written: {Error}", reason, about.Name, e.Message);
        }
    }

    /// <summary>Raises the count of an event written earlier; false when it is gone (expired or deleted).</summary>
    private async Task<bool> IncrementAsync(string @namespace, string name, int count, DateTime now, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["count"] = count, ["lastTimestamp"] = now.ToString("yyyy-MM-ddTHH:mm:ssZ") };
        try
        {
            await client.CoreV1.PatchNamespacedEventAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), name, @namespace, cancellationToken: cancellationToken);
            return true;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>The reference an event about a pod carries.</summary>
    public static V1ObjectReference About(V1Pod pod) => new()
    {
        Kind = "Pod",
        ApiVersion = "v1",
        NamespaceProperty = pod.Metadata.NamespaceProperty,
        Name = pod.Metadata.Name,
        Uid = pod.Metadata.Uid,
        ResourceVersion = pod.Metadata.ResourceVersion,
    };

    /// <summary>The reference an event about a controller's own object (a DaemonSet, a StatefulSet) carries.</summary>
    public static V1ObjectReference About(IKubernetesObject<V1ObjectMeta> item, string apiVersion, string kind) => new()
    {
        Kind = kind,
        ApiVersion = apiVersion,
        NamespaceProperty = item.Metadata.NamespaceProperty,
        Name = item.Metadata.Name,
        Uid = item.Metadata.Uid,
        ResourceVersion = item.Metadata.ResourceVersion,
    };
}
