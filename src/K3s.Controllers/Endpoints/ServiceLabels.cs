using k8s.Models;

namespace K3s.Controllers.Endpoints;

/// <summary>The labels endpoints carry: the service's own, and the headless mark for a service without a cluster IP.</summary>
public static class ServiceLabels
{
    public const string Headless = "service.kubernetes.io/headless";

    public static Dictionary<string, string> For(V1Service service)
    {
        var labels = new Dictionary<string, string>(service.Metadata.Labels ?? new Dictionary<string, string>());
        if (service.Spec.ClusterIP == "None")
            labels[Headless] = "";
        return labels;
    }
}
