using System.Text.Json.Nodes;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// Upstream's DefaultTolerationSeconds admission plugin: a pod created without a toleration of the
/// not-ready or unreachable NoExecute taint gets one for a limited time, so its pods leave a node that
/// went away after that long instead of at once (kube-apiserver's --default-not-ready-toleration-seconds
/// and --default-unreachable-toleration-seconds, 300 each).
/// </summary>
public sealed record DefaultTolerationSeconds(long NotReadySeconds = DefaultTolerationSeconds.DefaultSeconds, long UnreachableSeconds = DefaultTolerationSeconds.DefaultSeconds)
{
    public const long DefaultSeconds = 300;

    public const string NotReadyTaint = "node.kubernetes.io/not-ready";
    public const string UnreachableTaint = "node.kubernetes.io/unreachable";

    public void Apply(JsonObject podSpec)
    {
        var tolerations = podSpec["tolerations"] as JsonArray ?? [];
        foreach (var (key, seconds) in new[] { (NotReadyTaint, NotReadySeconds), (UnreachableTaint, UnreachableSeconds) })
        {
            if (tolerations.OfType<JsonObject>().Any(toleration => ToleratesNoExecute(toleration, key)))
                continue;
            tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = seconds });
        }
        podSpec["tolerations"] = tolerations;
    }

    /// <summary>As upstream checks it: the key or an empty key (every key), the NoExecute effect or an empty one (every effect).</summary>
    private static bool ToleratesNoExecute(JsonObject toleration, string key) =>
        (string?)toleration["key"] is null or "" || (string?)toleration["key"] == key
            ? (string?)toleration["effect"] is null or "" or "NoExecute"
            : false;
}
