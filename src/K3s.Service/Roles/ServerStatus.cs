using System.Diagnostics;
using System.Reflection;
using K3s.ApiServer.Discovery;
using K3s.Controllers;
using K3s.Core.Management;

namespace K3s.Service.Roles;

/// <summary>What the management API says of a running server: its roles, their readiness, versions and the datastore's figures.</summary>
internal static class ServerStatus
{
    public static async Task<StatusResponse> ReadAsync(ServerDatastore datastore, string apiServerUrl, ControllerManager controllers, long readyAfterMilliseconds,
        CancellationToken cancellationToken)
    {
        var response = new StatusResponse
        {
            Version = $"k3sps version v{typeof(ServerStatus).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion} (.NET {Environment.Version})",
            KubernetesVersion = (string)DiscoveryDocuments.Version()["gitVersion"]!,
            Pid = Environment.ProcessId,
            StartedUnixSeconds = new DateTimeOffset(Process.GetCurrentProcess().StartTime).ToUnixTimeSeconds(),
            ReadyAfterMilliseconds = readyAfterMilliseconds,
            ApiServerUrl = apiServerUrl,
        };
        try
        {
            var status = await datastore.Store.StatusAsync(cancellationToken);
            response.Datastore = new DatastoreStatus { Endpoint = datastore.Endpoint, Revision = status.Header.Revision, DbSizeBytes = status.DbSize, Version = status.Version };
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or IOException or InvalidOperationException)
        {
            response.Datastore = new DatastoreStatus { Endpoint = datastore.Endpoint };
            response.Roles.Add(new Role { Name = "datastore", Ready = false, Detail = e.Message });
        }
        if (response.Roles.Count == 0)
            response.Roles.Add(new Role { Name = "datastore", Ready = true, Detail = datastore.Endpoint });
        response.Roles.Add(new Role { Name = "apiserver", Ready = true, Detail = apiServerUrl });
        response.Roles.Add(new Role
        {
            Name = "controllers",
            Ready = true,
            Detail = controllers.IsLeading ? "leading" : "standby: another server holds the kube-system/kube-controller-manager lease",
        });
        return response;
    }
}
