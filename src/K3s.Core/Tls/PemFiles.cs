using System.Security.Cryptography.X509Certificates;

namespace K3s.Core.Tls;

/// <summary>Certificates and keys as PEM files, keys readable by their owner only (0600), as k3s keeps them.</summary>
public static class PemFiles
{
    public static void Write(string path, string pem, bool secret)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        // Written beside and renamed: a crash never leaves half a key.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, pem);
        if (secret && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A leaf certificate and its key as <c>NAME.crt</c> and <c>NAME.key</c>.</summary>
    public static void WritePair(string certificateFile, string keyFile, X509Certificate2 certificate)
    {
        Write(certificateFile, certificate.ExportCertificatePem() + "\n", secret: false);
        Write(keyFile, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n", secret: true);
    }
}
