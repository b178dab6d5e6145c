using System.Diagnostics;

namespace K3s.Controllers.Tests;

/// <summary>Runs kubectl 1.32 with the fixture's kubeconfig; a run that outlives its timeout is killed (by its own process handle).</summary>
internal static class Kubectl
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ClusterFixture cluster, params string[] arguments)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(cluster.KubeconfigPath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // A cache of another server's discovery must not answer for this one.
        start.Environment["KUBECACHEDIR"] = Path.Combine(Path.GetDirectoryName(cluster.KubeconfigPath)!, "kube-cache");
        using var process = Process.Start(start)!;
        try
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }
    }
}
