using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace K3s.Core.Tls;

/// <summary>
/// A certificate authority of the cluster (k3s has a server CA for serving certificates and a client
/// CA for client certificates): an ECDSA P-256 key and a self-signed certificate, kept as PEM files.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(365);

    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA certificate as PEM, the bytes the join token's hash is taken over.</summary>
    public string CertificatePem => Certificate.ExportCertificatePem() + "\n";

    public static CertificateAuthority Create(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return new CertificateAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now + CaLifetime));
    }

    /// <summary>Loads a CA kept as <c>NAME.crt</c> and <c>NAME.key</c>.</summary>
    public static CertificateAuthority Load(string certificateFile, string keyFile) =>
        new(X509Certificate2.CreateFromPemFile(certificateFile, keyFile));

    /// <summary>Writes <c>NAME.crt</c> and <c>NAME.key</c> (the key readable by its owner only).</summary>
    public void Save(string certificateFile, string keyFile)
    {
        PemFiles.Write(certificateFile, CertificatePem, secret: false);
        PemFiles.Write(keyFile, Certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n", secret: true);
    }

    /// <summary>A serving certificate for these DNS names and IP addresses.</summary>
    public X509Certificate2 IssueServer(string commonName, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames.Distinct(StringComparer.OrdinalIgnoreCase))
            names.AddDnsName(dns);
        foreach (var address in addresses.Distinct())
            names.AddIpAddress(address);
        return Issue($"CN={commonName}", X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            new OidCollection { Oids.ServerAuthentication }, names.Build());
    }

    /// <summary>A client certificate: Kubernetes reads the user from its CN and the groups from its O.</summary>
    public X509Certificate2 IssueClient(string user, IEnumerable<string> groups)
    {
        var subject = string.Join(", ", groups.Select(group => $"O={Escape(group)}").Prepend($"CN={Escape(user)}"));
        return Issue(subject, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment,
            new OidCollection { Oids.ClientAuthentication }, alternativeNames: null);
    }

    /// <summary>Whether a certificate was signed by this CA (and its chain ends here).</summary>
    public bool Signed(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate) && chain.ChainElements[^1].Certificate.Thumbprint == Certificate.Thumbprint;
    }

    private X509Certificate2 Issue(string subject, X509KeyUsageFlags usage, OidCollection purposes, X509Extension? alternativeNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(purposes, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (alternativeNames is not null)
            request.CertificateExtensions.Add(alternativeNames);
        var now = DateTimeOffset.UtcNow;
        var notAfter = now + LeafLifetime < Certificate.NotAfter ? now + LeafLifetime : new DateTimeOffset(Certificate.NotAfter);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive serial number
        using var issued = request.Create(Certificate, now.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static string Escape(string value) =>
        value.IndexOfAny([',', '+', '"', '\\', '<', '>', ';', '=']) >= 0 ? $"\"{value.Replace("\"", "\\\"")}\"" : value;

    public void Dispose() => Certificate.Dispose();

    private static class Oids
    {
        public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
        public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");
    }
}
