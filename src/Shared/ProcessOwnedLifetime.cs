using Microsoft.Extensions.Hosting;

namespace K3s.Hosting;

/// <summary>
/// The lifetime of a web host embedded in k3sps: the process, not the host, answers SIGTERM and stops its parts in
/// order (controllers, API server, datastore last). The default console lifetime would make every embedded host
/// start stopping at the signal, cutting the API's watches before the controllers that hold them have stopped.
/// Compiled into each assembly that embeds a host.
/// </summary>
internal sealed class ProcessOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
