using System.Net;
using K3s.Core.Etcd;
using K3s.Hosting;
using K3s.Kine.Server.Http2;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K3s.Kine.Server;

/// <summary>
/// Serves a store's etcd v3 API over gRPC (HTTP/2 without TLS, as kine does on its socket) on
/// TCP addresses and unix sockets. Unix sockets are made 0600: they give full access to the cluster.
/// </summary>
public sealed class DatastoreServer : IAsyncDisposable
{
    /// <summary>etcd's allowance for gRPC framing above --max-request-bytes.</summary>
    private const int GrpcOverheadBytes = 512 * 1024;

    private const string UnixScheme = "unix://";

    private readonly WebApplication app;

    private DatastoreServer(WebApplication app, IReadOnlyList<string> addresses)
    {
        this.app = app;
        Addresses = addresses;
    }

    /// <summary>Where it listens: <c>http://127.0.0.1:PORT</c> and <c>unix:///path</c> addresses.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <param name="listenAddresses"><c>HOST:PORT</c> (port 0 picks one) or <c>unix://PATH</c>.</param>
    public static async Task<DatastoreServer> StartAsync(IEtcdStore store, IEnumerable<string> listenAddresses,
        ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        var sockets = new List<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, ProcessOwnedLifetime>();
        if (loggers is not null)
            builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var address in listenAddresses)
            {
                if (address.StartsWith(UnixScheme, StringComparison.Ordinal))
                {
                    var path = address[UnixScheme.Length..];
                    File.Delete(path); // a socket left by a server that died
                    sockets.Add(path);
                    kestrel.ListenUnixSocket(path, UseEtcdHttp2);
                }
                else
                {
                    kestrel.Listen(IPEndPoint.Parse(address), UseEtcdHttp2);
                }
            }
        });
        builder.Services.AddSingleton(store);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = EtcdErrors.MaxRequestBytes + GrpcOverheadBytes;
            grpc.MaxSendMessageSize = null;
        });

        var app = builder.Build();
        app.MapGrpcService<KvService>();
        app.MapGrpcService<WatchService>();
        app.MapGrpcService<LeaseService>();
        app.MapGrpcService<MaintenanceService>();
        app.MapGrpcService<ClusterService>();
        await app.StartAsync(cancellationToken);

        foreach (var socket in sockets)
        {
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(address => address.StartsWith("http://unix:", StringComparison.Ordinal) ? UnixScheme + address["http://unix:".Length..] : address)
            .ToList();
        return new DatastoreServer(app, bound);
    }

    /// <summary>
    /// HTTP/2 without TLS, taking the <c>:authority</c> values etcd clients send (a unix socket's
    /// path, an endpoint URL) that Kestrel would refuse as a Host.
    /// </summary>
    private static void UseEtcdHttp2(ListenOptions listen)
    {
        listen.Protocols = HttpProtocols.Http2;
        listen.UseAuthorityNormalization();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
