using System.Diagnostics;

namespace K3s.ApiServer.Tests;

/// <summary>Runs kubectl 1.32 against a test server with its written kubeconfig and no other flags.</summary>
public static class KubectlRunner
{
    /// <summary>How to start kubectl, for a process the test drives itself (a watch).</summary>
    public static ProcessStartInfo StartInfo(ApiServerFixture server, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(server.KubeconfigPath);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // A cache of another server's discovery must not answer for this one.
        start.Environment["KUBECACHEDIR"] = Path.Combine(Path.GetDirectoryName(server.KubeconfigPath)!, "kube-cache");
        return start;
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ApiServerFixture server, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(server, arguments))!;
        try
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }
    }

    /// <summary>A manifest in the test server's directory, for kubectl's -f.</summary>
    public static string WriteManifest(ApiServerFixture server, string yaml)
    {
        var path = Path.Combine(Path.GetDirectoryName(server.KubeconfigPath)!, $"manifest-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
