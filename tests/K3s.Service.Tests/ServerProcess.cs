using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K3s.Service.Tests;

/// <summary>
/// The built <c>k3sps server</c> as a child process on 127.0.0.1 at a free port, with its data dir
/// and kubeconfig in a temporary directory; stopped by its PID with SIGTERM, as an init system would.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process process;
    private readonly StringBuilder stderr = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process)
    {
        this.process = process;
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
                return;
            lock (stderr)
                stderr.AppendLine(line.Data);
            if (line.Data.StartsWith("k3sps server is ready in ", StringComparison.Ordinal))
                ready.TrySetResult();
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public string Stderr
    {
        get
        {
            lock (stderr)
                return stderr.ToString();
        }
    }

    public int Id => process.Id;

    public static ServerProcess Start(params string[] arguments) => Start(new Dictionary<string, string>(), arguments);

    public static ServerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "k3sps.exe" : "k3sps"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (name, value) in environment)
            startInfo.Environment[name] = value;
        startInfo.ArgumentList.Add("server");
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        return new ServerProcess(Process.Start(startInfo)!);
    }

    /// <summary>Starts a server on a data dir and waits until it says it is ready.</summary>
    public static async Task<ServerProcess> StartReadyAsync(string dataDir, string kubeconfig, params string[] extra)
    {
        var server = Start([.. Arguments(dataDir, kubeconfig, FreePort()), .. extra]);
        try
        {
            await server.WaitReadyAsync();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public static string[] Arguments(string dataDir, string kubeconfig, int port) =>
        ["--disable-agent", "--bind-address", "127.0.0.1", "--https-listen-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--data-dir", dataDir, "--write-kubeconfig", kubeconfig];

    public async Task WaitReadyAsync()
    {
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(StartTimeout));
        if (first != ready.Task)
            throw new InvalidOperationException($"k3sps server did not become ready ({(first == exited ? $"exit code {process.ExitCode}" : "timed out")}):\n{Stderr}");
    }

    /// <summary>Waits for the process to exit by itself (a start that fails); returns its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit(); // drains the redirected output
        return process.ExitCode;
    }

    /// <summary>SIGTERM by PID, then the exit code of a graceful stop.</summary>
    public async Task<int> StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        return await WaitForExitAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }
        process.Dispose();
    }
}
