using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;

namespace K3s.Service.Tests;

/// <summary><c>k3sps server</c> as a process: what it serves, the files it leaves, how it stops and starts again.</summary>
public sealed partial class ServerTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    private string DataDir => Path.Combine(directory.Path, "data");

    private string KubeconfigPath => Path.Combine(directory.Path, "kubeconfig.yaml");

    private string ServerFile(string name) => Path.Combine(DataDir, "server", name);

    public void Dispose() => directory.Dispose();

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Serves_readyz_to_its_kubeconfig_and_writes_token_and_kubeconfig_for_their_owner_only()
    {
        using var server = await ServerProcess.StartReadyAsync(DataDir, KubeconfigPath);
        try
        {
            using var client = Client();
            Assert.Equal("ok", await client.HttpClient.GetStringAsync(new Uri(client.BaseUri, "readyz")));
            Assert.Contains("default", (await client.CoreV1.ListNamespaceAsync()).Items.Select(ns => ns.Metadata.Name));

            var token = (await File.ReadAllTextAsync(ServerFile("token"))).Trim();
            var match = TokenFormat().Match(token);
            Assert.True(match.Success, $"token '{token}' is not K10<64 hex>::server:<32 hex>");
            var caHash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(DataDir, "server", "tls", "server-ca.crt"))));
            Assert.Equal(caHash, match.Groups["hash"].Value);
            Assert.Equal(token, (await File.ReadAllTextAsync(ServerFile("node-token"))).Trim());

            var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.Equal(ownerOnly, File.GetUnixFileMode(KubeconfigPath));
            Assert.Equal(ownerOnly, File.GetUnixFileMode(ServerFile("token")));
            Assert.Equal(ownerOnly, File.GetUnixFileMode(ServerFile("node-token")));
            Assert.Equal(ownerOnly, File.GetUnixFileMode(ServerFile("kine.sock")));
            Assert.Matches(@"k3sps server is ready in \d+ ms", server.Stderr);
        }
        finally
        {
            Assert.Equal(0, await server.StopAsync());
        }
    }

    [Fact]
    public async Task A_restart_keeps_token_CA_and_objects()
    {
        string token, ca;
        using (var first = await ServerProcess.StartReadyAsync(DataDir, KubeconfigPath))
        {
            try
            {
                using var client = Client();
                await client.CoreV1.CreateNamespacedConfigMapAsync(
                    new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "survivor" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, "default");
                token = await File.ReadAllTextAsync(ServerFile("token"));
                ca = await File.ReadAllTextAsync(Path.Combine(DataDir, "server", "tls", "server-ca.crt"));
            }
            finally
            {
                var code = await first.StopAsync();
                Assert.True(code == 0, $"exit code {code}:\n{first.Stderr}");
            }
            Assert.Contains("k3sps server: stopping", first.Stderr);
        }

        using var second = await ServerProcess.StartReadyAsync(DataDir, KubeconfigPath);
        try
        {
            Assert.Equal(token, await File.ReadAllTextAsync(ServerFile("token")));
            Assert.Equal(ca, await File.ReadAllTextAsync(Path.Combine(DataDir, "server", "tls", "server-ca.crt")));
            using var client = Client();
            var survivor = await client.CoreV1.ReadNamespacedConfigMapAsync("survivor", "default");
            Assert.Equal("v", survivor.Data["k"]);
        }
        finally
        {
            Assert.Equal(0, await second.StopAsync());
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Systemd_hears_ready_once_the_server_is_ready_and_stopping_at_the_end()
    {
        var socketPath = Path.Combine(directory.Path, "notify.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(socketPath));
        using var server = ServerProcess.Start(new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath },
            ServerProcess.Arguments(DataDir, KubeconfigPath, ServerProcess.FreePort()));
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = await systemd.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.Equal("READY=1", System.Text.Encoding.UTF8.GetString(buffer, 0, received));
        // The server says it is ready (it does once its /readyz answers ok) in its log as well.
        await server.WaitReadyAsync();
        Assert.Equal(0, await server.StopAsync());
        received = await systemd.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.Equal("STOPPING=1", System.Text.Encoding.UTF8.GetString(buffer, 0, received));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_management_socket_answers_status_with_roles_versions_and_datastore_figures()
    {
        using var server = await ServerProcess.StartReadyAsync(DataDir, KubeconfigPath);
        var socket = Path.Combine(DataDir, "k3sps.sock");
        await WaitForAsync(() => File.Exists(socket));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        using var channel = K3s.Core.Datastore.EtcdChannel.For("unix://" + socket);
        var status = await new K3s.Core.Management.Management.ManagementClient(channel).StatusAsync(new K3s.Core.Management.StatusRequest());

        Assert.Equal(server.Id, status.Pid);
        Assert.StartsWith("k3sps version v", status.Version);
        Assert.StartsWith("v1.32.", status.KubernetesVersion);
        Assert.True(status.ReadyAfterMilliseconds > 0);
        Assert.Equal(["datastore", "apiserver", "controllers"], status.Roles.Select(role => role.Name));
        Assert.All(status.Roles, role => Assert.True(role.Ready, role.Name));
        Assert.StartsWith("sqlite://", status.Datastore.Endpoint);
        Assert.True(status.Datastore.Revision > 0);
        Assert.True(status.Datastore.DbSizeBytes > 0);
        Assert.Equal(0, await server.StopAsync());
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
            await Task.Delay(100);
        Assert.True(condition());
    }

    [Fact]
    public async Task A_token_file_sets_the_password()
    {
        var tokenFile = directory.Write("token.txt", "s3cret-password\n");
        using var server = await ServerProcess.StartReadyAsync(DataDir, KubeconfigPath, "--token-file", tokenFile);
        try
        {
            Assert.EndsWith("::server:s3cret-password", (await File.ReadAllTextAsync(ServerFile("token"))).Trim());
        }
        finally
        {
            Assert.Equal(0, await server.StopAsync());
        }
    }

    [Fact]
    public async Task A_port_in_use_is_a_clear_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        using var server = ServerProcess.Start(ServerProcess.Arguments(DataDir, KubeconfigPath, port));

        Assert.Equal(1, await server.WaitForExitAsync());
        Assert.Contains($"k3sps server: Failed to bind to address https://127.0.0.1:{port}: address already in use", server.Stderr);
    }

    [Fact]
    public async Task An_unusable_data_dir_is_a_clear_error()
    {
        var notADirectory = directory.Write("plain-file", "");

        using var server = ServerProcess.Start(ServerProcess.Arguments(Path.Combine(notADirectory, "data"), KubeconfigPath, ServerProcess.FreePort()));

        Assert.Equal(1, await server.WaitForExitAsync());
        Assert.StartsWith($"k3sps server: data dir {Path.Combine(notADirectory, "data")} is not writable", server.Stderr);
    }

    private Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));

    [GeneratedRegex("^K10(?<hash>[0-9a-f]{64})::server:[0-9a-f]{32}$")]
    private static partial Regex TokenFormat();
}
