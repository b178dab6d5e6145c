using System.Security.Cryptography;
using System.Text;
using K3s.Core.Security;

namespace K3s.Core.Tests.Security;

public sealed class BootstrapSealTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n");

    [Fact]
    public void Opens_with_the_password_that_sealed_it()
    {
        var sealedData = BootstrapSeal.Seal(Secret, "shared-secret");

        Assert.Equal(Secret, BootstrapSeal.Open(sealedData, "shared-secret"));
        Assert.DoesNotContain("secret", Encoding.UTF8.GetString(sealedData), StringComparison.Ordinal);
    }

    [Fact]
    public void Sealing_twice_gives_different_bytes()
    {
        Assert.NotEqual(BootstrapSeal.Seal(Secret, "shared-secret"), BootstrapSeal.Seal(Secret, "shared-secret"));
    }

    [Fact]
    public void Refuses_another_password_a_changed_byte_and_a_truncated_seal()
    {
        var sealedData = BootstrapSeal.Seal(Secret, "shared-secret");
        var altered = sealedData.ToArray();
        altered[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => BootstrapSeal.Open(sealedData, "another-secret"));
        Assert.ThrowsAny<CryptographicException>(() => BootstrapSeal.Open(altered, "shared-secret"));
        Assert.ThrowsAny<CryptographicException>(() => BootstrapSeal.Open(sealedData.AsSpan(0, 20), "shared-secret"));
    }
}
