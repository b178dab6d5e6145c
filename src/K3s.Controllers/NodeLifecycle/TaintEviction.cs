using k8s.Models;
using K3s.Controllers.Scheduling;

namespace K3s.Controllers.NodeLifecycle;

/// <summary>
/// When a pod must leave a node with NoExecute taints (upstream's taint manager): at once if some
/// taint is not tolerated; never if every taint is tolerated without tolerationSeconds; otherwise
/// tolerationSeconds after the taint was added, the earliest such moment over the taints. As
/// upstream, each taint is judged by the first of the pod's tolerations that matches it.
/// </summary>
public static class TaintEviction
{
    /// <summary>The moment to evict (at or before <paramref name="now"/>: at once), or null to let the pod stay.</summary>
    /// <param name="added">When each taint was added: its timeAdded, or what the caller knows if it has none.</param>
    public static DateTime? Due(IEnumerable<V1Toleration>? tolerations, IEnumerable<V1Taint> noExecuteTaints, Func<V1Taint, DateTime> added, DateTime now)
    {
        DateTime? due = null;
        foreach (var taint in noExecuteTaints)
        {
            var toleration = (tolerations ?? []).FirstOrDefault(candidate => Tolerations.Tolerates(candidate, taint));
            if (toleration is null)
                return now;
            if (toleration.TolerationSeconds is not { } seconds)
                continue;
            var moment = seconds <= 0 ? now : added(taint) + TimeSpan.FromSeconds(seconds);
            if (due is null || moment < due)
                due = moment;
        }
        return due;
    }
}
