using System.Security.Cryptography.X509Certificates;
using K3s.Core.Tls;
using k8s;

namespace K3s.Service.Roles;

/// <summary>
/// The controllers' client: the admin's certificate over loopback, as any other client would connect. Built from the
/// certificates directly, not by parsing the kubeconfig: KubernetesClient's YAML reader loads every type of its
/// assembly (a thousand request state machines and their generic types), which an idle server would keep resident.
/// </summary>
internal static class LoopbackClient
{
    public static Kubernetes Create(string url, string caPem, X509Certificate2 admin)
    {
        var (certificate, key) = Kubeconfig.ClientData(admin);
        return new Kubernetes(new KubernetesClientConfiguration
        {
            Host = url,
            SslCaCerts = [X509Certificate2.CreateFromPem(caPem)],
            ClientCertificateData = certificate,
            ClientCertificateKeyData = key,
        });
    }
}
