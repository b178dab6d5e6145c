using Grpc.Core;
using K3s.Core.Management;
using K3s.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace K3s.Service.Roles;

/// <summary>
/// The management API (DESIGN §3): gRPC on the unix socket <c>&lt;data-dir&gt;/k3sps.sock</c>, made 0600
/// because it tells what runs where. The module asks it what this process runs and how it is doing.
/// </summary>
public sealed class ManagementServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private ManagementServer(WebApplication app) => this.app = app;

    public static string SocketPath(string dataDir) => Path.Combine(dataDir, "k3sps.sock");

    public static async Task<ManagementServer> StartAsync(string socketPath, Func<CancellationToken, Task<StatusResponse>> status, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, ProcessOwnedLifetime>();
        builder.Services.AddSingleton(loggers);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new StatusService(status));
        File.Delete(socketPath); // one left by a process that died
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapGrpcService<StatusService>();
        await app.StartAsync(cancellationToken);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new ManagementServer(app);
    }

    private sealed class StatusService(Func<CancellationToken, Task<StatusResponse>> status) : Management.ManagementBase
    {
        public override Task<StatusResponse> Status(StatusRequest request, ServerCallContext context) => status(context.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
