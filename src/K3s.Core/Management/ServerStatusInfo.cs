namespace K3s.Core.Management;

/// <summary>One role of a running server and whether it is ready (datastore, apiserver, controllers…).</summary>
public sealed record RoleStatus(string Name, bool Ready, string Detail);

/// <summary>What a running k3sps server says of itself through its management socket.</summary>
public sealed record ServerStatusInfo(
    int Pid,
    string Version,
    string KubernetesVersion,
    DateTimeOffset Started,
    TimeSpan? ReadyAfter,
    string ApiServer,
    IReadOnlyList<RoleStatus> Roles,
    string DatastoreEndpoint,
    string DatastoreVersion,
    long Revision,
    long DatastoreSize,
    string Socket)
{
    /// <summary>Every role is ready.</summary>
    public bool Ready => Roles.Count > 0 && Roles.All(role => role.Ready);

    /// <summary>Asks the server behind a management socket; fails with <see cref="IOException"/> when none answers there.</summary>
    public static async Task<ServerStatusInfo> ReadAsync(string socketPath, CancellationToken cancellationToken)
    {
        if (!File.Exists(socketPath))
            throw new FileNotFoundException($"no k3sps server runs here: {socketPath} does not exist", socketPath);
        using var channel = Datastore.EtcdChannel.For("unix://" + socketPath);
        StatusResponse status;
        try
        {
            status = await new Management.ManagementClient(channel).StatusAsync(new StatusRequest(), cancellationToken: cancellationToken);
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.Unavailable or Grpc.Core.StatusCode.Internal)
        {
            throw new IOException($"no k3sps server answers on {socketPath}: {e.Status.Detail}", e);
        }
        return new ServerStatusInfo(
            status.Pid,
            status.Version,
            status.KubernetesVersion,
            DateTimeOffset.FromUnixTimeSeconds(status.StartedUnixSeconds),
            status.ReadyAfterMilliseconds > 0 ? TimeSpan.FromMilliseconds(status.ReadyAfterMilliseconds) : null,
            status.ApiServerUrl,
            status.Roles.Select(role => new RoleStatus(role.Name, role.Ready, role.Detail)).ToList(),
            status.Datastore?.Endpoint ?? "",
            status.Datastore?.Version ?? "",
            status.Datastore?.Revision ?? 0,
            status.Datastore?.DbSizeBytes ?? 0,
            socketPath);
    }
}
