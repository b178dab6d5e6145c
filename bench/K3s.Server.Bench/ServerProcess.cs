using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace K3s.Server.Bench;

/// <summary>A `k3sps server --disable-agent` on 127.0.0.1 in a data dir, started as a process and stopped by its PID.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process process;
    private readonly TaskCompletionSource<long> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch sinceStart;

    private ServerProcess(Process process, Stopwatch sinceStart)
    {
        this.process = process;
        this.sinceStart = sinceStart;
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data?.Contains("k3sps server is ready in", StringComparison.Ordinal) == true)
                ready.TrySetResult(sinceStart.ElapsedMilliseconds);
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public int Id => process.Id;

    public string Kubeconfig { get; private init; } = "";

    public static ServerProcess Start(string k3sps, string dataDir)
    {
        var kubeconfig = Path.Combine(dataDir, "kubeconfig.yaml");
        var start = new ProcessStartInfo(k3sps) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "server", "--disable-agent", "--bind-address", "127.0.0.1", "--https-listen-port", FreePort().ToString(CultureInfo.InvariantCulture),
                     "--data-dir", dataDir, "--write-kubeconfig", kubeconfig })
            start.ArgumentList.Add(argument);
        var clock = Stopwatch.StartNew();
        return new ServerProcess(Process.Start(start)!, clock) { Kubeconfig = kubeconfig };
    }

    /// <summary>Milliseconds from the process start until it said it was ready (its /readyz answers then).</summary>
    public Task<long> ReadyAsync() => ready.Task.WaitAsync(TimeSpan.FromMinutes(2));

    /// <summary>The resident set size from /proc, in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>SIGTERM by PID, and the wait for a graceful stop.</summary>
    public void Stop()
    {
        if (process.HasExited)
            return;
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
            process.Kill();
    }

    public void Dispose()
    {
        Stop();
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
