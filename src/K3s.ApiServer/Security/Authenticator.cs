using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using K3s.Core.Tls;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Security;

/// <summary>
/// Kubernetes' authentication: a client certificate signed by the client CA (CN is the user, each O a
/// group), or a bearer token the server knows. Anything else is anonymous.
/// </summary>
public sealed class Authenticator(CertificateAuthority clientCa, IReadOnlyDictionary<string, UserInfo> tokens)
{
    /// <summary>
    /// Who each connection's certificate names (null: not one of the client CA's). A connection keeps its
    /// certificate object, so the chain is checked once per connection rather than once per request.
    /// </summary>
    private readonly ConditionalWeakTable<X509Certificate2, UserInfo?> verified = new();

    public async Task<UserInfo?> AuthenticateAsync(HttpContext context)
    {
        var certificate = await context.Connection.GetClientCertificateAsync();
        if (certificate is not null && DateTime.Now < certificate.NotAfter
            && verified.GetValue(certificate, c => clientCa.Signed(c) ? FromCertificate(c) : null) is { } named)
            return named;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && tokens.TryGetValue(authorization["Bearer ".Length..].Trim(), out var user))
            return user;
        return null;
    }

    private static UserInfo FromCertificate(X509Certificate2 certificate)
    {
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var groups = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => rdn.GetSingleElementType().Value == "2.5.4.10") // O
            .Select(rdn => rdn.GetSingleElementValue() ?? "")
            .ToList();
        return new UserInfo(name, groups);
    }
}
