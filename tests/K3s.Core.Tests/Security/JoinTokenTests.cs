using K3s.Core.Security;
using K3s.Core.Tls;

namespace K3s.Core.Tests.Security;

public sealed class JoinTokenTests
{
    private const string CaPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    [Fact]
    public void Formats_k3s_full_token_with_the_sha256_of_the_ca_pem()
    {
        var token = JoinToken.Format(CaPem, "0123456789abcdef0123456789abcdef");

        Assert.Matches("^K10[0-9a-f]{64}::server:0123456789abcdef0123456789abcdef$", token);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CaPem))), token[3..67]);
    }

    [Fact]
    public void Parses_a_full_token_and_trusts_only_its_ca()
    {
        var token = JoinToken.Parse(JoinToken.Format(CaPem, "secret"));

        Assert.Equal(("server", "secret"), (token.Username, token.Password));
        Assert.True(token.Trusts(CaPem));
        Assert.False(token.Trusts(CaPem.Replace("MIIB", "MIIC")));
    }

    [Fact]
    public void Parses_a_full_token_without_a_user_as_the_server_user()
    {
        var hash = JoinToken.Hash(CaPem);

        var token = JoinToken.Parse($"K10{hash}::secret");

        Assert.Equal(("server", "secret", hash), (token.Username, token.Password, token.CaHash));
    }

    [Fact]
    public void A_short_token_pins_no_ca()
    {
        var token = JoinToken.Parse("my-password");

        Assert.Null(token.CaHash);
        Assert.Equal("my-password", token.Password);
        Assert.True(token.Trusts(CaPem));
    }

    [Theory]
    [InlineData("")]
    [InlineData("K10abc::server:x")]
    [InlineData("K10nothing-after-the-prefix")]
    public void Refuses_malformed_tokens(string token) => Assert.Throws<FormatException>(() => JoinToken.Parse(token));

    [Fact]
    public void Makes_passwords_of_32_hex_characters() => Assert.Matches("^[0-9a-f]{32}$", JoinToken.NewPassword());

    [Fact]
    public void Hashes_the_ca_a_cluster_serves()
    {
        using var dataDir = new TemporaryDirectory();
        using var certificates = ClusterCertificates.Ensure(dataDir.Path, []);

        var token = JoinToken.Parse(JoinToken.Format(File.ReadAllText(ClusterCertificates.CertificateFile(certificates.Directory, "server-ca")), "p"));

        Assert.True(token.Trusts(certificates.ServerCa.CertificatePem));
    }
}
