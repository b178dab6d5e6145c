using System.Security.Cryptography;
using System.Text;

namespace K3s.Core.Security;

/// <summary>
/// k3s's join token: <c>K10&lt;sha256 hex of server-ca.crt's PEM bytes&gt;::&lt;user&gt;:&lt;password&gt;</c>.
/// An agent checks the CA it is given against the hash before trusting it. A short token (the
/// password alone) carries no hash, so nothing is pinned.
/// </summary>
public sealed record JoinToken(string? CaHash, string Username, string Password)
{
    private const string Prefix = "K10";
    private const string DefaultUser = "server";

    /// <summary>A full token for a CA and password.</summary>
    public static string Format(string caPem, string password, string username = DefaultUser) =>
        $"{Prefix}{Hash(caPem)}::{username}:{password}";

    /// <summary>32 random hex characters, as k3s makes its token passwords.</summary>
    public static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string Hash(string caPem) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caPem)));

    public static JoinToken Parse(string token)
    {
        token = token.Trim();
        if (token.Length == 0)
            throw new FormatException("the token is empty");
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
            return new JoinToken(null, DefaultUser, token);
        var separator = token.IndexOf("::", StringComparison.Ordinal);
        if (separator < 0)
            throw new FormatException("a K10 token needs \"::\" between the CA hash and the credentials");
        var hash = token[Prefix.Length..separator];
        if (hash.Length != 64 || !hash.All(Uri.IsHexDigit))
            throw new FormatException("the CA hash of a K10 token is 64 hex characters");
        var credentials = token[(separator + 2)..];
        var colon = credentials.IndexOf(':');
        var (username, password) = colon < 0 ? (DefaultUser, credentials) : (credentials[..colon], credentials[(colon + 1)..]);
        if (password.Length == 0)
            throw new FormatException("the token has no password");
        return new JoinToken(hash.ToLowerInvariant(), username, password);
    }

    /// <summary>Whether a CA (PEM as served at /cacerts) is the one the token pins; any CA for a short token.</summary>
    public bool Trusts(string caPem) => CaHash is null || CryptographicOperations.FixedTimeEquals(
        Encoding.ASCII.GetBytes(CaHash), Encoding.ASCII.GetBytes(Hash(caPem)));

    public override string ToString() => CaHash is null ? Password : $"{Prefix}{CaHash}::{Username}:{Password}";
}
