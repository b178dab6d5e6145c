using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using K3s.Core.Tls;

namespace K3s.Core.Tests.Tls;

[System.Runtime.Versioning.SupportedOSPlatform("linux")] // file modes, kubectl
public sealed class ClusterCertificatesTests : IDisposable
{
    private readonly TemporaryDirectory dataDir = new();

    [Fact]
    public void Makes_k3s_files_with_private_keys_readable_by_the_owner_only()
    {
        using var certificates = ClusterCertificates.Ensure(dataDir.Path, ["10.0.0.5", "node-1"]);

        var directory = ClusterCertificates.DirectoryOf(dataDir.Path);
        foreach (var name in new[] { "server-ca", "client-ca", "serving-kube-apiserver", "client-admin" })
        {
            Assert.True(File.Exists(Path.Combine(directory, name + ".crt")), name);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, name + ".key")));
        }
    }

    [Fact]
    public void Serves_under_every_name_clients_use_and_signs_with_the_server_ca()
    {
        using var certificates = ClusterCertificates.Ensure(dataDir.Path, ["10.0.0.5", "node-1", "api.example.com"]);

        var names = certificates.Serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Subset(names.EnumerateDnsNames().ToHashSet(),
            new HashSet<string> { "kubernetes", "kubernetes.default", "kubernetes.default.svc", "localhost", "node-1", "api.example.com" });
        Assert.Subset(names.EnumerateIPAddresses().ToHashSet(), new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.Parse("10.0.0.5") });
        Assert.True(certificates.ServerCa.Signed(certificates.Serving));
        Assert.False(certificates.ClientCa.Signed(certificates.Serving));
    }

    [Fact]
    public void Makes_the_admin_a_system_masters_client_of_the_client_ca()
    {
        using var certificates = ClusterCertificates.Ensure(dataDir.Path, []);

        Assert.Equal("CN=system:admin, O=system:masters", certificates.Admin.Subject);
        Assert.True(certificates.ClientCa.Signed(certificates.Admin));
    }

    [Fact]
    public void Reuses_what_it_made_and_makes_the_serving_certificate_again_for_a_new_name()
    {
        string caThumbprint, servingThumbprint;
        using (var first = ClusterCertificates.Ensure(dataDir.Path, ["10.0.0.5"]))
            (caThumbprint, servingThumbprint) = (first.ServerCa.Certificate.Thumbprint, first.Serving.Thumbprint);

        using (var again = ClusterCertificates.Ensure(dataDir.Path, ["10.0.0.5"]))
        {
            Assert.Equal(caThumbprint, again.ServerCa.Certificate.Thumbprint);
            Assert.Equal(servingThumbprint, again.Serving.Thumbprint);
        }
        using (var withSan = ClusterCertificates.Ensure(dataDir.Path, ["10.0.0.5", "new.example.com"]))
        {
            Assert.Equal(caThumbprint, withSan.ServerCa.Certificate.Thumbprint);
            Assert.NotEqual(servingThumbprint, withSan.Serving.Thumbprint);
        }
    }

    [Fact]
    public async Task Carries_a_mutual_tls_handshake_between_the_api_server_and_the_admin()
    {
        using var certificates = ClusterCertificates.Ensure(dataDir.Path, []);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(accepted.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificates.Serving,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificates.ClientCa.Signed(new X509Certificate2(certificate)),
            });
            return tls.RemoteCertificate!.Subject;
        });
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var clientTls = new SslStream(client.GetStream());
        await clientTls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "kubernetes.default.svc",
            ClientCertificates = [certificates.Admin],
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                && certificate is not null && certificates.ServerCa.Signed(new X509Certificate2(certificate)),
        });

        Assert.Equal("CN=system:admin, O=system:masters", await server);
    }

    [Fact]
    public void Writes_a_kubeconfig_that_kubectl_reads_with_the_mode_asked_for()
    {
        using var certificates = ClusterCertificates.Ensure(dataDir.Path, []);
        var path = Path.Combine(dataDir.Path, "k3s.yaml");

        Kubeconfig.Write(path, Kubeconfig.Render("https://127.0.0.1:6443", certificates.ServerCa.CertificatePem, certificates.Admin), "644");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        var kubectl = Process.Start(new ProcessStartInfo("kubectl", ["--kubeconfig", path, "config", "view", "--raw",
            "-o", "jsonpath={.clusters[0].cluster.server} {.users[0].name}"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = kubectl.StandardOutput.ReadToEnd();
        kubectl.WaitForExit();
        Assert.Equal(0, kubectl.ExitCode);
        Assert.Equal("https://127.0.0.1:6443 default", output);
    }

    [Theory]
    [InlineData("0600", UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData("644", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead)]
    public void Reads_modes_as_k3s_takes_them(string mode, UnixFileMode expected) => Assert.Equal(expected, Kubeconfig.ParseMode(mode));

    [Theory]
    [InlineData("rw-r--r--")]
    [InlineData("0689")]
    public void Refuses_a_mode_that_is_not_octal(string mode) => Assert.Throws<FormatException>(() => Kubeconfig.ParseMode(mode));

    public void Dispose() => dataDir.Dispose();
}
