using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K3s.Kine.Server.Http2;

/// <summary>
/// Kestrel connection middleware that hands the HTTP layer the connection's input as rewritten by
/// <see cref="Http2HeaderRewriter"/>, so requests from etcd clients whose <c>:authority</c> Kestrel
/// would refuse as a Host (dotnet/aspnetcore#18522, #47043) get through. Output is untouched.
/// </summary>
internal sealed class AuthorityNormalizingMiddleware(ConnectionDelegate next, KestrelServerOptions options)
{
    /// <summary>As much unread rewritten input as Kestrel itself buffers by default (MaxRequestBufferSize).</summary>
    private const long PauseWriterThreshold = 1024 * 1024;

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        // Read per connection: limits may be configured after the middleware is added.
        var limits = options.Limits.Http2;
        var logger = options.ApplicationServices?.GetService<ILoggerFactory>()?.CreateLogger<AuthorityNormalizingMiddleware>();
        using var rewriter = new Http2HeaderRewriter(limits.MaxFrameSize, limits.HeaderTableSize, logger);

        var transport = connection.Transport;
        var rewrittenInput = new Pipe(new PipeOptions(
            pool: connection.Features.Get<IMemoryPoolFeature>()?.MemoryPool,
            pauseWriterThreshold: PauseWriterThreshold,
            resumeWriterThreshold: PauseWriterThreshold / 2,
            useSynchronizationContext: false));
        var rewriting = rewriter.RunAsync(transport.Input, rewrittenInput.Writer);
        connection.Transport = new DuplexPipe(rewrittenInput.Reader, transport.Output);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
            // The server is done reading: stop the rewriter, which may be waiting on the client.
            await rewrittenInput.Reader.CompleteAsync();
            transport.Input.CancelPendingRead();
            await rewriting;
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
