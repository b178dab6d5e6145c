using System.Text.Json.Nodes;

namespace K3s.ApiServer.Strategies;

/// <summary>Namespaces: DNS labels, born Active with the "kubernetes" finalizer, labelled with their name.</summary>
public sealed class NamespaceStrategy : ResourceStrategy
{
    public const string NameLabel = "kubernetes.io/metadata.name";

    public override string? InvalidName(string name) => NameRules.NotALabel(name);

    public override void PrepareForCreate(JsonObject item)
    {
        var spec = item["spec"] as JsonObject ?? [];
        spec["finalizers"] ??= new JsonArray("kubernetes");
        item["spec"] = spec;
        item["status"] = new JsonObject { ["phase"] = "Active" };
        LabelWithName(item);
    }

    /// <summary>Finalizers change only through /finalize; a replacement keeps them.</summary>
    public override void PrepareForUpdate(JsonObject item, JsonObject old)
    {
        var spec = item["spec"] as JsonObject ?? [];
        spec["finalizers"] = (old["spec"] as JsonObject)?["finalizers"]?.DeepClone();
        item["spec"] = spec;
        LabelWithName(item);
    }

    private static void LabelWithName(JsonObject item)
    {
        var metadata = (JsonObject)item["metadata"]!;
        var labels = metadata["labels"] as JsonObject ?? [];
        labels[NameLabel] = (string?)metadata["name"];
        metadata["labels"] = labels;
    }

    public override bool HasOwnFinalizers(JsonObject item) => Machinery.JsonPaths.Get(item, "spec.finalizers") is JsonArray { Count: > 0 };

    public override void PrepareForDeletion(JsonObject item)
    {
        var status = item["status"] as JsonObject ?? [];
        status["phase"] = "Terminating";
        item["status"] = status;
    }
}
