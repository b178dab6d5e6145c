using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using K3s.Core.Datastore;
using K3s.Core.Etcd;
using K3s.Core.Security;
using K3s.Core.Tls;

namespace K3s.Service.Roles;

/// <summary>
/// The cluster's certificate authorities, shared through the datastore by every server on it, as k3s's
/// bootstrap data: the first server seals its CA files with the token's password and stores them under
/// <c>/bootstrap/&lt;hash of the password&gt;</c>; every other server given the same token restores them into
/// its data dir before it makes its certificates. So one CA signs every server's serving certificate, and a
/// kubeconfig or K10 token from one server works against any.
/// </summary>
internal static class BootstrapData
{
    private const string Prefix = "/bootstrap/";

    public static async Task SyncAsync(IEtcdStore store, string dataDir, string password, CancellationToken cancellationToken)
    {
        var key = KeyFor(password);
        var stored = await ReadAsync(store, key, cancellationToken);
        if (stored is null)
        {
            await RequireNoOtherTokenAsync(store, cancellationToken);
            ClusterCertificates.EnsureAuthorities(dataDir);
            if (await TryPublishAsync(store, key, BootstrapSeal.Seal(Pack(dataDir), password), cancellationToken))
                return;
            // Another server published first: its authorities are the cluster's.
            stored = await ReadAsync(store, key, cancellationToken)
                ?? throw new DatastoreAccessException(DatastoreAccessException.Unreachable, "the cluster's bootstrap data vanished from the datastore while this server started");
        }
        Restore(dataDir, Unpack(stored, password));
    }

    /// <summary>A short, stable name for the token: the password itself never goes into a key.</summary>
    private static string KeyFor(string password) =>
        Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)))[..12];

    private static async Task<byte[]?> ReadAsync(IEtcdStore store, string key, CancellationToken cancellationToken)
    {
        var response = await store.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, cancellationToken);
        return response.Kvs.Count == 0 ? null : response.Kvs[0].Value.ToByteArray();
    }

    /// <summary>Data sealed for another token means this datastore is another cluster's: joining it needs its token.</summary>
    private static async Task RequireNoOtherTokenAsync(IEtcdStore store, CancellationToken cancellationToken)
    {
        var others = await store.RangeAsync(new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(Prefix),
            RangeEnd = ByteString.CopyFromUtf8(Prefix[..^1] + "0"),
            CountOnly = true,
        }, cancellationToken);
        if (others.Count > 0)
            throw new DatastoreAccessException(DatastoreAccessException.OtherClusterToken,
                "the datastore already holds a cluster whose servers were given another token: start this server with that cluster's --token");
    }

    private static async Task<bool> TryPublishAsync(IEtcdStore store, string key, byte[] sealedData, CancellationToken cancellationToken)
    {
        var name = ByteString.CopyFromUtf8(key);
        var response = await store.TxnAsync(new TxnRequest
        {
            Compare = { new Compare { Key = name, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = 0 } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = name, Value = ByteString.CopyFrom(sealedData) } } },
        }, cancellationToken);
        return response.Succeeded;
    }

    private static byte[] Pack(string dataDir)
    {
        var directory = ClusterCertificates.DirectoryOf(dataDir);
        var files = ClusterCertificates.AuthorityFiles.ToDictionary(name => name, name => File.ReadAllText(Path.Combine(directory, name)));
        return JsonSerializer.SerializeToUtf8Bytes(files);
    }

    private static Dictionary<string, string> Unpack(byte[] sealedData, string password)
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(BootstrapSeal.Open(sealedData, password))
                ?? throw new CryptographicException("the bootstrap data is empty");
        }
        catch (Exception e) when (e is CryptographicException or JsonException)
        {
            throw new DatastoreAccessException(DatastoreAccessException.OtherClusterToken,
                $"the cluster's bootstrap data in the datastore cannot be read with this token: {e.Message}", e);
        }
    }

    /// <summary>Writes the cluster's authorities over this server's where they differ (a leaf certificate the old CA signed is then issued again).</summary>
    private static void Restore(string dataDir, Dictionary<string, string> files)
    {
        var directory = ClusterCertificates.DirectoryOf(dataDir);
        foreach (var name in ClusterCertificates.AuthorityFiles)
        {
            if (!files.TryGetValue(name, out var contents))
                throw new DatastoreAccessException(DatastoreAccessException.OtherClusterToken, $"the cluster's bootstrap data has no {name}");
            var path = Path.Combine(directory, name);
            if (!File.Exists(path) || File.ReadAllText(path) != contents)
                PemFiles.Write(path, contents, secret: name.EndsWith(".key", StringComparison.Ordinal));
        }
    }
}
