using System.Diagnostics;
using K3s.ApiServer;
using K3s.Controllers;
using K3s.Core.Datastore;
using K3s.Core.Security;
using K3s.Core.Tls;
using K3s.Kine.Sql;
using K3s.Service.Cli;
using K3s.Service.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace K3s.Service.Roles;

/// <summary>
/// <c>k3sps server</c>, first slice: the datastore (kine, also served as etcd on server/kine.sock, or etcd), the
/// cluster's certificate authorities shared through it, the certificates and join token, the Kubernetes API, the admin kubeconfig and the controllers, until
/// SIGINT or SIGTERM; then each is stopped in the reverse order, the datastore last.
/// </summary>
internal static class ServerRunner
{
    private const string DefaultKubeconfigMode = "0600";

    public static async Task<int> RunAsync(ServerOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var systemd = new SystemdNotifier();
        using var loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Grpc", LogLevel.Warning)
            // A failed start (a port in use) is reported below in one line, not as the host's stack trace.
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.None)
            .AddFilter("System.Net.Http", LogLevel.Warning));
        try
        {
            var dataDir = Path.GetFullPath(options.DataDir);
            var serverDir = Path.Combine(dataDir, "server");
            RequireWritable(serverDir);
            var listen = ServerEndpoints.Listen(options);
            var serviceCidr = ServerEndpoints.ServiceCidr(options);
            var kubeconfigMode = options.WriteKubeconfigMode.Length > 0 ? options.WriteKubeconfigMode : DefaultKubeconfigMode;
            Kubeconfig.ParseMode(kubeconfigMode);
            PackagedManifests.Write(dataDir, options.Disable, serviceCidr);

            var givenToken = GivenToken(options);
            var password = ServerTokenFiles.PasswordFor(serverDir, givenToken);

            await using var datastore = await ServerDatastore.OpenAsync(options.DatastoreEndpoint, dataDir, loggers, cancellationToken);
            // Every server on one datastore shares the first one's certificate authorities.
            await BootstrapData.SyncAsync(datastore.Store, dataDir, password, cancellationToken);
            using var certificates = ClusterCertificates.Ensure(dataDir, ServerEndpoints.CertificateNames(options, listen));
            var caPem = certificates.ServerCa.CertificatePem;
            ServerTokenFiles.Ensure(serverDir, caPem, givenToken, password);
            await using var api = await ApiServerHost.StartAsync(datastore.Store, new ApiServerOptions(listen, certificates), loggers, cancellationToken);
            var url = ServerEndpoints.LocalUrl(listen, api.Address.Port);
            var kubeconfig = Kubeconfig.Render(url, caPem, certificates.Admin);
            WriteKubeconfig(options.WriteKubeconfig, kubeconfig, kubeconfigMode);
            await ReadinessProbe.WaitAsync(url, certificates.ServerCa, cancellationToken);
            using var client = LoopbackClient.Create(url, caPem, certificates.Admin);
            var cluster = new ClusterSettings(serviceCidr, ServerEndpoints.Advertised(options, listen, api.Address.Port), caPem,
                PackagedManifests.DirectoryOf(dataDir), PackagedManifests.Withdrawn(dataDir, options.Disable, serviceCidr));
            await using var controllers = ControllerManager.Start(client, loggers, cluster: cluster);
            var readyAfter = started.ElapsedMilliseconds;
            await using var management = await ManagementServer.StartAsync(ManagementServer.SocketPath(dataDir),
                cancel => ServerStatus.ReadAsync(datastore, url, controllers, readyAfter, cancel), loggers, cancellationToken);
            // Ready once everything runs: a stop from now on is a stop, not a start cut short.
            log.WriteLine($"k3sps server: {datastore.Description}, Kubernetes API on {api.Address}");
            log.WriteLine($"k3sps server is ready in {readyAfter} ms");
            // systemd (a Type=notify unit) is told only now, with every part running; outside systemd this does nothing.
            systemd.Notify(ServiceState.Ready);
            _ = StartupMemoryRelease.AfterAsync(TimeSpan.FromSeconds(20), cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            log.WriteLine("k3sps server: stopping");
            systemd.Notify(ServiceState.Stopping);
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.WriteLine("k3sps server: stopped before it was ready");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is DatastoreException or DatastoreAccessException or FormatException or IOException or UnauthorizedAccessException)
        {
            log.WriteLine($"k3sps server: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>Fails early, naming the data dir, rather than at the first file some part writes.</summary>
    private static void RequireWritable(string serverDir)
    {
        try
        {
            Directory.CreateDirectory(Path.Combine(serverDir, "db"));
            var probe = Path.Combine(serverDir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"data dir {Path.GetDirectoryName(serverDir)} is not writable: {e.Message}", e);
        }
    }

    private static void WriteKubeconfig(string path, string kubeconfig, string mode)
    {
        try
        {
            Kubeconfig.Write(path, kubeconfig, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write the kubeconfig to {path}: {e.Message}", e);
        }
    }

    /// <summary>--token, else the contents of --token-file, else none (the stored or a new one is used).</summary>
    private static string GivenToken(ServerOptions options)
    {
        if (options.Token.Length > 0)
            return options.Token;
        if (options.TokenFile.Length == 0)
            return "";
        var text = File.ReadAllText(options.TokenFile).Trim();
        return text.Length > 0 ? text : throw new FormatException($"--token-file {options.TokenFile} is empty");
    }
}
