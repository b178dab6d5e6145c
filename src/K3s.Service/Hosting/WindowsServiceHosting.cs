using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.WindowsServices;

namespace K3s.Service.Hosting;

/// <summary>
/// Runs a role (server, agent, datastore) under the Windows service control manager when Windows started
/// the process as a service: the generic host's Windows service lifetime answers the SCM, reports
/// Running once the host started and turns the SCM's stop into the role's cancellation. Anywhere else
/// (a console, Linux with or without systemd) the role just runs; systemd readiness is the role's own
/// sd_notify once its API answers.
/// </summary>
internal static class WindowsServiceHosting
{
    /// <summary>The service name <c>Install-K3sServer</c> registers, as k3s's.</summary>
    public const string ServiceName = "k3s";

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> role, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows() || !WindowsServiceHelpers.IsWindowsService())
            return await role(cancellationToken);

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWindowsService(service => service.ServiceName = ServiceName);
        var hosted = new RoleService(role);
        builder.Services.AddHostedService(services =>
        {
            hosted.Lifetime = services.GetRequiredService<IHostApplicationLifetime>();
            return hosted;
        });
        using var host = builder.Build();
        await host.RunAsync(cancellationToken);
        return hosted.ExitCode;
    }

    /// <summary>The role as a hosted service: when it ends by itself (a failed start), the service stops with it.</summary>
    private sealed class RoleService(Func<CancellationToken, Task<int>> role) : BackgroundService
    {
        public IHostApplicationLifetime? Lifetime { get; set; }

        public int ExitCode { get; private set; }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            ExitCode = await role(stoppingToken);
            Lifetime?.StopApplication();
        }
    }
}
