using k8s;
using k8s.Models;

namespace K3s.ApiServer.Tests;

/// <summary>A test class's client of its server, and for each test a fresh namespace to work in, so tests sharing a server never meet.</summary>
public abstract class InFreshNamespace<TServer>(TServer server) : IClassFixture<TServer>, IAsyncLifetime
    where TServer : ApiServerFixture
{
    protected TServer Server { get; } = server;

    protected Kubernetes Client { get; } = server.Client();

    /// <summary>The test's namespace.</summary>
    protected string Ns { get; } = Namespaces.Fresh();

    public Task InitializeAsync() => Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });

    public Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }
}
