using System.Text;
using K3s.Core.Etcd;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>
/// /healthz, /livez and /readyz: "ok" when every check passes, 500 naming the failed ones otherwise;
/// ?verbose lists each check as the upstream server does ("[+]etcd ok").
/// </summary>
public sealed class HealthChecks(IEtcdStore etcd)
{
    public static readonly IReadOnlySet<string> Paths = new HashSet<string>(StringComparer.Ordinal) { "/healthz", "/livez", "/readyz" };

    private static readonly TimeSpan DatastoreTimeout = TimeSpan.FromSeconds(2);

    public async Task HandleAsync(HttpContext context)
    {
        var checks = new List<(string Name, bool Passed)> { ("ping", true), ("etcd", await DatastoreAnswersAsync(context.RequestAborted)) };
        var failed = checks.Any(check => !check.Passed);
        var name = context.Request.Path.Value!.TrimStart('/');
        var text = new StringBuilder();
        if (context.Request.Query.ContainsKey("verbose") || failed)
        {
            foreach (var (check, passed) in checks)
                text.Append(passed ? $"[+]{check} ok\n" : $"[-]{check} failed: reason withheld\n");
            text.Append(failed ? $"{name} check failed\n" : $"{name} check passed\n");
        }
        else
        {
            text.Append("ok");
        }
        context.Response.StatusCode = failed ? 500 : 200;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }

    private async Task<bool> DatastoreAnswersAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DatastoreTimeout);
        try
        {
            await etcd.RangeAsync(new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("/registry/health"), CountOnly = true }, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
