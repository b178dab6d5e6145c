using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Tables;

namespace K3s.ApiServer.Resources;

/// <summary>
/// The /scale subresource of a kind: the autoscaling/v1 Scale view of its desired and current replica
/// counts and its label selector (dotted paths into the object).
/// </summary>
public sealed record ScaleSubresource(string SpecReplicas = "spec.replicas", string StatusReplicas = "status.replicas", string Selector = "spec.selector")
{
    /// <summary>The Scale object of an object, carrying its identity and resourceVersion.</summary>
    public JsonObject View(JsonObject item)
    {
        var metadata = (JsonObject)item["metadata"]!;
        var status = new JsonObject { ["replicas"] = JsonPaths.GetLong(item, StatusReplicas) };
        var selector = JsonPaths.Get(item, Selector);
        // Built-in kinds hold a LabelSelector object; custom resources point at a string.
        var selectorText = selector is JsonObject ? Cells.Selector(selector) : selector?.ToString();
        if (!string.IsNullOrEmpty(selectorText) && selectorText != Cells.None)
            status["selector"] = selectorText;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = metadata["name"]?.DeepClone(),
                ["namespace"] = metadata["namespace"]?.DeepClone(),
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = JsonPaths.GetLong(item, SpecReplicas) },
            ["status"] = status,
        };
    }

    /// <summary>The object with the replica count a Scale asks for.</summary>
    public JsonObject WithReplicas(JsonObject item, JsonObject scale)
    {
        var replicas = JsonPaths.Get(scale, "spec.replicas") is JsonValue value && value.TryGetValue<long>(out var count) ? count
            : throw ApiException.BadRequest("spec.replicas: Required value");
        if (replicas < 0)
            throw ApiException.Invalid("Scale", JsonPaths.GetString(item, "metadata.name") ?? "", [("spec.replicas", $"Invalid value: {replicas}: must be greater than or equal to 0")]);
        JsonPaths.Set(item, SpecReplicas, replicas);
        return item;
    }
}
