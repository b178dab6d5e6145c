using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace K3s.Kine.Server.Http2;

internal static class AuthorityNormalizationExtensions
{
    /// <summary>
    /// Makes an HTTP/2 prior-knowledge endpoint (no TLS) accept requests whose <c>:authority</c> is
    /// not a valid host[:port], as etcd clients send on unix sockets and with URL endpoints: see
    /// <see cref="AuthorityNormalizingMiddleware"/>.
    /// </summary>
    public static ListenOptions UseAuthorityNormalization(this ListenOptions listen)
    {
        listen.Use(next => new AuthorityNormalizingMiddleware(next, listen.KestrelServerOptions).OnConnectionAsync);
        return listen;
    }
}
