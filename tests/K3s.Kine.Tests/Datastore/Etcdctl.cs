using System.Diagnostics;

namespace K3s.Kine.Tests.Datastore;

/// <summary>The real etcd client (Debian's etcd-client, API v3) run against an endpoint.</summary>
internal sealed class Etcdctl(string endpoint)
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public ProcessStartInfo StartInfo(params string[] arguments)
    {
        var start = new ProcessStartInfo("etcdctl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ETCDCTL_API"] = "3";
        start.ArgumentList.Add("--endpoints=" + endpoint);
        start.ArgumentList.Add("--command-timeout=10s");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    public async Task<Result> RunAsync(string[] arguments, string? input = null)
    {
        using var process = Process.Start(StartInfo(arguments))!;
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"etcdctl {string.Join(' ', arguments)} did not finish");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Runs and requires success; the output.</summary>
    public async Task<string> OkAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        Assert.True(result.ExitCode == 0, $"etcdctl {string.Join(' ', arguments)} failed: {result.Error}");
        return result.Output;
    }
}
