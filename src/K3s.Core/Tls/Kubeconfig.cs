using System.Globalization;
using System.Security.Cryptography.X509Certificates;

namespace K3s.Core.Tls;

/// <summary>The admin kubeconfig k3s writes (<c>/etc/rancher/k3s/k3s.yaml</c>): one cluster, one user, certificates inline.</summary>
public static class Kubeconfig
{
    /// <summary>The kubeconfig's YAML for a server URL, the CA that signed its serving certificate, and a client certificate.</summary>
    public static string Render(string server, string caPem, X509Certificate2 client)
    {
        var (certificate, key) = ClientData(client);
        return $"""
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: {Base64(caPem)}
                server: {server}
              name: default
            contexts:
            - context:
                cluster: default
                user: default
              name: default
            current-context: default
            kind: Config
            preferences: {"{}"}
            users:
            - name: default
              user:
                client-certificate-data: {certificate}
                client-key-data: {key}

            """;
    }

    /// <summary>A client certificate and its key as a kubeconfig carries them: base64 of their PEM.</summary>
    public static (string Certificate, string Key) ClientData(X509Certificate2 client) =>
        (Base64(client.ExportCertificatePem() + "\n"), Base64(client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n"));

    /// <summary>Base64 of a PEM text, as a kubeconfig's *-data fields hold it.</summary>
    private static string Base64(string pem) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(pem));

    /// <summary>Writes a kubeconfig with a file mode given as k3s's --write-kubeconfig-mode takes it ("0600", "644"; empty for 0600).</summary>
    public static void Write(string path, string yaml, string mode)
    {
        PemFiles.Write(path, yaml, secret: true);
        if (!OperatingSystem.IsWindows() && mode.Length > 0)
            File.SetUnixFileMode(path, ParseMode(mode));
    }

    public static UnixFileMode ParseMode(string mode)
    {
        if (!int.TryParse(mode, NumberStyles.None, CultureInfo.InvariantCulture, out _) || mode.Any(digit => digit > '7'))
            throw new FormatException($"invalid file mode '{mode}': expected octal digits such as 0600 or 644");
        return (UnixFileMode)Convert.ToInt32(mode, 8);
    }
}
