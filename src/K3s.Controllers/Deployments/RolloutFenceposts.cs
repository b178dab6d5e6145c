using System.Globalization;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace K3s.Controllers.Deployments;

/// <summary>
/// maxSurge and maxUnavailable as pod counts, as upstream's ResolveFenceposts: a percentage of the
/// desired replicas, surge rounded up and unavailable rounded down; both zero would stall a rollout,
/// so unavailable becomes 1 then. Only a RollingUpdate deployment has either.
/// </summary>
public static class RolloutFenceposts
{
    public static bool IsRollingUpdate(V1Deployment deployment) => deployment.Spec.Strategy?.Type is null or "RollingUpdate";

    public static int MaxSurge(V1Deployment deployment) => IsRollingUpdate(deployment) ? Resolve(deployment).Surge : 0;

    /// <summary>Never more than the desired replicas.</summary>
    public static int MaxUnavailable(V1Deployment deployment)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        if (!IsRollingUpdate(deployment) || desired == 0)
            return 0;
        return Math.Min(Resolve(deployment).Unavailable, desired);
    }

    public static (int Surge, int Unavailable) Resolve(V1Deployment deployment)
    {
        var desired = deployment.Spec.Replicas ?? 1;
        var rolling = deployment.Spec.Strategy?.RollingUpdate;
        var surge = Scaled(rolling?.MaxSurge, "25%", desired, roundUp: true);
        var unavailable = Scaled(rolling?.MaxUnavailable, "25%", desired, roundUp: false);
        return surge == 0 && unavailable == 0 ? (0, 1) : (surge, unavailable);
    }

    /// <summary>An int-or-percent as a count of <paramref name="total"/>; a missing value takes the API default.</summary>
    public static int Scaled(IntOrString? value, string fallback, int total, bool roundUp)
    {
        // Read through the JSON form: the model holds either a number or a string such as "25%".
        var text = value is null ? fallback : JsonSerializer.Deserialize<JsonElement>(KubernetesJson.Serialize(value)) switch
        {
            { ValueKind: JsonValueKind.Number } number => number.GetRawText(),
            var other => other.GetString() ?? fallback,
        };
        if (!text.EndsWith('%'))
            return int.Parse(text, CultureInfo.InvariantCulture);
        var percent = int.Parse(text[..^1], CultureInfo.InvariantCulture);
        var exact = percent * (double)total / 100;
        return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
    }
}
