using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;

namespace K3s.Service.Roles;

/// <summary>
/// The controllers' client: the admin's certificate over loopback, as any other client would connect. Built from the
/// certificates directly, not by parsing the kubeconfig: KubernetesClient's YAML reader loads every type of its
/// assembly (a thousand request state machines and their generic types), which an idle server would keep resident.
/// </summary>
internal static class LoopbackClient
{
    public static Kubernetes Create(string url, string caPem, X509Certificate2 admin) => new(new KubernetesClientConfiguration
    {
        Host = url,
        SslCaCerts = [X509Certificate2.CreateFromPem(caPem)],
        ClientCertificateData = Base64(admin.ExportCertificatePem()),
        ClientCertificateKeyData = Base64(admin.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()),
    });

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
}
