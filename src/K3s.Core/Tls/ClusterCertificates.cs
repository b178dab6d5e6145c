using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace K3s.Core.Tls;

/// <summary>
/// The server's certificates in <c>DATA-DIR/server/tls</c>, with k3s's file names: the server CA and
/// client CA, the API server's serving certificate and the admin's client certificate. Made at first
/// start and reused after; the serving certificate is made again when a name it must carry is missing.
/// </summary>
public sealed class ClusterCertificates : IDisposable
{
    public const string AdminUser = "system:admin";
    public const string AdminGroup = "system:masters";

    private ClusterCertificates(string directory, CertificateAuthority serverCa, CertificateAuthority clientCa,
        X509Certificate2 serving, X509Certificate2 admin)
    {
        Directory = directory;
        ServerCa = serverCa;
        ClientCa = clientCa;
        Serving = serving;
        Admin = admin;
    }

    public string Directory { get; }
    public CertificateAuthority ServerCa { get; }
    public CertificateAuthority ClientCa { get; }
    public X509Certificate2 Serving { get; }
    public X509Certificate2 Admin { get; }

    public static string DirectoryOf(string dataDir) => Path.Combine(dataDir, "server", "tls");

    /// <summary>
    /// Loads the certificates, making what is missing. The serving certificate names the API server as
    /// clients reach it: kubernetes, kubernetes.default, …, localhost, 127.0.0.1, and the given names.
    /// </summary>
    /// <param name="names">Node names, node IPs, the service's cluster IP and every --tls-san: DNS names or IP addresses.</param>
    public static ClusterCertificates Ensure(string dataDir, IEnumerable<string> names)
    {
        var directory = DirectoryOf(dataDir);
        var serverCa = LoadOrCreateCa(directory, "server-ca", "k3s-server-ca");
        var clientCa = LoadOrCreateCa(directory, "client-ca", "k3s-client-ca");

        var (dnsNames, addresses) = ServingNames(names);
        var serving = LoadLeaf(directory, "serving-kube-apiserver");
        if (serving is null || !serverCa.Signed(serving) || !Carries(serving, dnsNames, addresses))
        {
            serving?.Dispose();
            serving = serverCa.IssueServer("kube-apiserver", dnsNames, addresses);
            PemFiles.WritePair(CertificateFile(directory, "serving-kube-apiserver"), KeyFile(directory, "serving-kube-apiserver"), serving);
        }
        var admin = LoadLeaf(directory, "client-admin");
        if (admin is null || !clientCa.Signed(admin))
        {
            admin?.Dispose();
            admin = clientCa.IssueClient(AdminUser, [AdminGroup]);
            PemFiles.WritePair(CertificateFile(directory, "client-admin"), KeyFile(directory, "client-admin"), admin);
        }
        return new ClusterCertificates(directory, serverCa, clientCa, serving, admin);
    }

    /// <summary>The certificate authorities' files, which every server of a cluster shares (see the server's bootstrap data).</summary>
    public static IReadOnlyList<string> AuthorityFiles { get; } = ["server-ca.crt", "server-ca.key", "client-ca.crt", "client-ca.key"];

    /// <summary>Makes the certificate authorities whose files are missing, and nothing else.</summary>
    public static void EnsureAuthorities(string dataDir)
    {
        var directory = DirectoryOf(dataDir);
        LoadOrCreateCa(directory, "server-ca", "k3s-server-ca").Dispose();
        LoadOrCreateCa(directory, "client-ca", "k3s-client-ca").Dispose();
    }

    /// <summary>The names every API server certificate carries, and the given ones sorted into DNS names and addresses.</summary>
    public static (List<string> DnsNames, List<IPAddress> Addresses) ServingNames(IEnumerable<string> names)
    {
        List<string> dnsNames = ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost"];
        List<IPAddress> addresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        foreach (var name in names.Where(name => !string.IsNullOrWhiteSpace(name)).Select(name => name.Trim()))
        {
            if (IPAddress.TryParse(name, out var address))
                addresses.Add(address);
            else
                dnsNames.Add(name);
        }
        return (dnsNames.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), addresses.Distinct().ToList());
    }

    private static bool Carries(X509Certificate2 certificate, List<string> dnsNames, List<IPAddress> addresses)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null)
            return false;
        var carried = extension.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var carriedAddresses = extension.EnumerateIPAddresses().ToHashSet();
        return dnsNames.All(carried.Contains) && addresses.All(carriedAddresses.Contains)
            && certificate.NotAfter > DateTime.Now.AddDays(30);
    }

    private static CertificateAuthority LoadOrCreateCa(string directory, string name, string commonName)
    {
        var certificate = CertificateFile(directory, name);
        var key = KeyFile(directory, name);
        if (File.Exists(certificate) && File.Exists(key))
            return CertificateAuthority.Load(certificate, key);
        var ca = CertificateAuthority.Create($"{commonName}@{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}");
        ca.Save(certificate, key);
        return ca;
    }

    private static X509Certificate2? LoadLeaf(string directory, string name)
    {
        var certificate = CertificateFile(directory, name);
        var key = KeyFile(directory, name);
        return File.Exists(certificate) && File.Exists(key) ? X509Certificate2.CreateFromPemFile(certificate, key) : null;
    }

    public static string CertificateFile(string directory, string name) => Path.Combine(directory, name + ".crt");

    public static string KeyFile(string directory, string name) => Path.Combine(directory, name + ".key");

    public void Dispose()
    {
        ServerCa.Dispose();
        ClientCa.Dispose();
        Serving.Dispose();
        Admin.Dispose();
    }
}
