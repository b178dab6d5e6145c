using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// The defaults and checks of a pod spec, the same whether it is a pod's or a template's in a
/// Deployment, Job or DaemonSet: what `kubectl get -o yaml` shows back filled in.
/// </summary>
public static class PodSpecDefaults
{
    public static void Apply(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["securityContext"] ??= new JsonObject();
        spec["schedulerName"] ??= "default-scheduler";
        spec["enableServiceLinks"] ??= true;
        foreach (var container in JsonPaths.Objects(spec, "containers").Concat(JsonPaths.Objects(spec, "initContainers")))
            DefaultContainer(container);
    }

    private static void DefaultContainer(JsonObject container)
    {
        container["terminationMessagePath"] ??= "/dev/termination-log";
        container["terminationMessagePolicy"] ??= "File";
        container["imagePullPolicy"] ??= PullsAlways((string?)container["image"]) ? "Always" : "IfNotPresent";
        container["resources"] ??= new JsonObject();
        foreach (var port in JsonPaths.Objects(container, "ports"))
            port["protocol"] ??= "TCP";
    }

    /// <summary>An image without a tag or with :latest is pulled every time (unless pinned by digest).</summary>
    private static bool PullsAlways(string? image)
    {
        if (image is null || image.Contains('@'))
            return false;
        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        return colon < 0 || lastSegment[(colon + 1)..] == "latest";
    }

    /// <summary>Every container needs a unique DNS-label name and an image.</summary>
    public static IEnumerable<(string Field, string Message)> Validate(JsonObject? spec, string path)
    {
        var containers = JsonPaths.Objects(spec, "containers").ToList();
        if (containers.Count == 0)
            yield return ($"{path}.containers", "Required value");
        var seen = new HashSet<string>();
        foreach (var (container, index) in containers.Select((c, i) => (c, i)))
        {
            var name = (string?)(container["name"] as JsonValue);
            if (string.IsNullOrEmpty(name))
                yield return ($"{path}.containers[{index}].name", "Required value");
            else if (NameRules.NotALabel(name) is { } why)
                yield return ($"{path}.containers[{index}].name", $"Invalid value: \"{name}\": {why}");
            else if (!seen.Add(name))
                yield return ($"{path}.containers[{index}].name", $"Duplicate value: \"{name}\"");
            if (string.IsNullOrEmpty((string?)(container["image"] as JsonValue)))
                yield return ($"{path}.containers[{index}].image", "Required value");
        }
    }
}
