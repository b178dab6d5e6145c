using k8s.Models;

namespace K3s.Controllers.Scheduling;

/// <summary>Whether a pod's tolerations let it onto a node with a given taint.</summary>
public static class Tolerations
{
    public static bool Tolerate(IEnumerable<V1Toleration>? tolerations, V1Taint taint) =>
        (tolerations ?? []).Any(toleration => Tolerates(toleration, taint));

    /// <summary>
    /// An empty effect tolerates every effect; operator Exists with an empty key tolerates every
    /// taint, with a key any value; operator Equal (the default) wants the key and the value.
    /// </summary>
    public static bool Tolerates(V1Toleration toleration, V1Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
            return false;
        if (toleration.OperatorProperty == "Exists")
            return string.IsNullOrEmpty(toleration.Key) || toleration.Key == taint.Key;
        return toleration.Key == taint.Key && (toleration.Value ?? "") == (taint.Value ?? "");
    }
}
