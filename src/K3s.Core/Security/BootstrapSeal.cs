using System.Security.Cryptography;
using System.Text;

namespace K3s.Core.Security;

/// <summary>
/// Seals the cluster's bootstrap data (its CA certificates and keys) with a key derived from the token's
/// password, as k3s keeps them in the datastore: a server reads them only if it was given the same token.
/// AES-256-GCM under a PBKDF2-SHA256 key with a random salt; the layout is
/// <c>version (1) | salt (16) | nonce (12) | tag (16) | ciphertext</c>.
/// </summary>
public static class BootstrapSeal
{
    private const byte Version = 1;
    private const int SaltSize = 16;
    private const int Iterations = 10_000;
    private const int HeaderSize = 1 + SaltSize + 12 + 16;

    public static byte[] Seal(ReadOnlySpan<byte> plaintext, string password)
    {
        var sealedData = new byte[HeaderSize + plaintext.Length];
        sealedData[0] = Version;
        var salt = sealedData.AsSpan(1, SaltSize);
        var nonce = sealedData.AsSpan(1 + SaltSize, AesGcm.NonceByteSizes.MaxSize);
        RandomNumberGenerator.Fill(salt);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key(password, salt), AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(nonce, plaintext, sealedData.AsSpan(HeaderSize), sealedData.AsSpan(1 + SaltSize + 12, 16));
        return sealedData;
    }

    /// <exception cref="CryptographicException">Another password sealed it, or it was altered.</exception>
    public static byte[] Open(ReadOnlySpan<byte> sealedData, string password)
    {
        if (sealedData.Length < HeaderSize || sealedData[0] != Version)
            throw new CryptographicException("the bootstrap data is not in a format this server knows");
        var plaintext = new byte[sealedData.Length - HeaderSize];
        using var aes = new AesGcm(Key(password, sealedData.Slice(1, SaltSize)), AesGcm.TagByteSizes.MaxSize);
        aes.Decrypt(sealedData.Slice(1 + SaltSize, 12), sealedData[HeaderSize..], sealedData.Slice(1 + SaltSize + 12, 16), plaintext);
        return plaintext;
    }

    private static byte[] Key(string password, ReadOnlySpan<byte> salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
}
