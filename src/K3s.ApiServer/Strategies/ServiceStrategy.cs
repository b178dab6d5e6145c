using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// Services: type ClusterIP, TCP ports whose targetPort is the port, single-stack IPv4; the cluster IP
/// stays what it was allocated.
/// </summary>
public sealed class ServiceStrategy : ResourceStrategy
{
    public override string? InvalidName(string name) => NameRules.NotALabel(name);

    public override void PrepareForCreate(JsonObject item)
    {
        DefaultSpec(item);
        item["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
    }

    private static void DefaultSpec(JsonObject item)
    {
        var spec = item["spec"] as JsonObject ?? [];
        item["spec"] = spec;
        var type = (string?)(spec["type"] as JsonValue) ?? "ClusterIP";
        spec["type"] = type;
        spec["sessionAffinity"] ??= "None";
        if (type != "ExternalName")
        {
            spec["ipFamilyPolicy"] ??= "SingleStack";
            spec["ipFamilies"] ??= new JsonArray("IPv4");
            spec["internalTrafficPolicy"] ??= "Cluster";
        }
        if (type is "NodePort" or "LoadBalancer")
            spec["externalTrafficPolicy"] ??= "Cluster";
        foreach (var port in JsonPaths.Objects(spec, "ports"))
        {
            port["protocol"] ??= "TCP";
            port["targetPort"] ??= port["port"]?.DeepClone();
        }
    }

    public override void PrepareForUpdate(JsonObject item, JsonObject old)
    {
        var spec = item["spec"] as JsonObject ?? [];
        item["spec"] = spec;
        // A replacement that leaves the allocated addresses out keeps them (kubectl apply does).
        foreach (var allocated in new[] { "clusterIP", "clusterIPs" })
        {
            if (spec[allocated] is null || (spec[allocated] is JsonValue given && given.ToString().Length == 0))
                spec[allocated] = JsonPaths.Get(old, "spec." + allocated)?.DeepClone();
        }
        DefaultSpec(item);
    }

    public override IEnumerable<(string Field, string Message)> Validate(JsonObject item)
    {
        var type = JsonPaths.GetString(item, "spec.type");
        if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
            yield return ("spec.type", $"Unsupported value: \"{type}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        var ports = JsonPaths.Objects(item, "spec.ports").ToList();
        var headless = JsonPaths.GetString(item, "spec.clusterIP") == "None";
        if (ports.Count == 0 && type != "ExternalName" && !headless)
            yield return ("spec.ports", "Required value");
        var names = new HashSet<string>();
        foreach (var (port, index) in ports.Select((p, i) => (p, i)))
        {
            var number = JsonPaths.GetLong(port, "port");
            if (number is < 1 or > 65535)
                yield return ($"spec.ports[{index}].port", $"Invalid value: {number}: must be between 1 and 65535, inclusive");
            var name = JsonPaths.GetString(port, "name") ?? "";
            if (ports.Count > 1 && name.Length == 0)
                yield return ($"spec.ports[{index}].name", "Required value");
            else if (!names.Add(name))
                yield return ($"spec.ports[{index}].name", $"Duplicate value: \"{name}\"");
        }
        if (type == "ExternalName" && string.IsNullOrEmpty(JsonPaths.GetString(item, "spec.externalName")))
            yield return ("spec.externalName", "Required value");
    }

    public override IEnumerable<(string Field, string Message)> ValidateUpdate(JsonObject item, JsonObject old) =>
        JsonPaths.GetString(old, "spec.clusterIP") is { Length: > 0 } && JsonPaths.GetString(item, "spec.type") != "ExternalName"
            ? Unchanged(item, old, "spec.clusterIP")
            : [];
}
