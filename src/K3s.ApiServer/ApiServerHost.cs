using System.Net;
using K3s.ApiServer.CustomResources;
using K3s.ApiServer.Handlers;
using K3s.ApiServer.OpenApi;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Schema;
using K3s.ApiServer.Security;
using K3s.ApiServer.Storage;
using K3s.ApiServer.Strategies;
using K3s.ApiServer.Tables;
using K3s.Core.Etcd;
using K3s.Core.Tls;
using K3s.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace K3s.ApiServer;

/// <summary>How the API server is started: where it listens, its certificates and the tokens it knows.</summary>
public sealed record ApiServerOptions(IPEndPoint Listen, ClusterCertificates Certificates)
{
    /// <summary>Bearer tokens and the users they stand for.</summary>
    public IReadOnlyDictionary<string, UserInfo> Tokens { get; init; } = new Dictionary<string, UserInfo>();

    /// <summary>How often a quiet watch that allows bookmarks is told how far it has seen (upstream: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long new pods tolerate a not-ready node by default (--default-not-ready-toleration-seconds).</summary>
    public long DefaultNotReadyTolerationSeconds { get; init; } = DefaultTolerationSeconds.DefaultSeconds;

    /// <summary>How long new pods tolerate an unreachable node by default (--default-unreachable-toleration-seconds).</summary>
    public long DefaultUnreachableTolerationSeconds { get; init; } = DefaultTolerationSeconds.DefaultSeconds;
}

/// <summary>
/// The Kubernetes API over HTTPS (HTTP/1.1 and HTTP/2), on a store with the etcd v3 shape. Client
/// certificates are asked for but not required, so unauthenticated health checks still get through.
/// </summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private readonly CustomResourceRegistrar customResources;
    private readonly NamespaceLifecycle namespaces;
    private readonly ObjectStore store;

    private ApiServerHost(WebApplication app, Uri address, CustomResourceRegistrar customResources, NamespaceLifecycle namespaces, ObjectStore store)
    {
        this.namespaces = namespaces;
        this.app = app;
        this.customResources = customResources;
        this.store = store;
        Address = address;
    }

    /// <summary>The server's URL, with the port it bound (https://127.0.0.1:PORT).</summary>
    public Uri Address { get; }

    public static async Task<ApiServerHost> StartAsync(IEtcdStore etcd, ApiServerOptions options, ILoggerFactory? loggers = null,
        CancellationToken cancellationToken = default)
    {
        loggers ??= NullLoggerFactory.Instance;
        var authorizer = new AllowAuthenticated();
        var registry = ResourceRegistry.BuiltIn(authorizer,
            new DefaultTolerationSeconds(options.DefaultNotReadyTolerationSeconds, options.DefaultUnreachableTolerationSeconds));
        var store = new ObjectStore(etcd, TimeProvider.System);
        await SystemNamespaces.EnsureAsync(store, registry, cancellationToken);
        var customResources = new CustomResourceRegistrar(store, registry, loggers.CreateLogger("K3s.ApiServer.CustomResources"));
        await customResources.StartAsync(cancellationToken);
        var namespaces = new NamespaceLifecycle(store, registry, loggers.CreateLogger("K3s.ApiServer.Namespaces"));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, ProcessOwnedLifetime>();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestBody.MaxBytes + 1;
            kestrel.Listen(options.Listen, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = options.Certificates.Serving,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    // The authenticator decides whom a certificate names; TLS only has to carry it.
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
        });
        var app = builder.Build();
        var schemas = new KindSchemas(SchemaCatalog.Shared, definition => definition.Schema);
        var router = new ApiRouter(registry, new ResourceHandler(store, namespaces, new TableConverter(TimeProvider.System), new SubresourceHandler(store, schemas), customResources, schemas, options.BookmarkInterval, app.Lifetime.ApplicationStopping), new HealthChecks(etcd),
            new Authenticator(options.Certificates.ClientCa, options.Tokens), authorizer,
            loggers.CreateLogger("K3s.ApiServer"));
        app.Run(router.HandleAsync);
        await app.StartAsync(cancellationToken);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiServerHost(app, new Uri(bound), customResources, namespaces, store);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await customResources.DisposeAsync();
        await namespaces.DisposeAsync();
        await store.DisposeAsync();
    }
}
