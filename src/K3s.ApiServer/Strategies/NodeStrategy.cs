using System.Text.Json.Nodes;

namespace K3s.ApiServer.Strategies;

/// <summary>Nodes: registered by their kubelet with a status, which later changes only through /status.</summary>
public sealed class NodeStrategy : ResourceStrategy
{
    public override bool ResetsStatusOnCreate => false;

    public override void PrepareForUpdate(JsonObject item, JsonObject old) { }

    public override IEnumerable<(string Field, string Message)> ValidateUpdate(JsonObject item, JsonObject old)
    {
        // Once set, a node's pod CIDR stays: pods on it already have addresses from it.
        if (Machinery.JsonPaths.GetString(old, "spec.podCIDR") is not null)
            return Unchanged(item, old, "spec.podCIDR", "spec.podCIDRs");
        return [];
    }
}
