using System.Security.Cryptography;
using System.Text;
using K3s.Core.Datastore;

namespace K3s.Core.Tests.Datastore;

public sealed class DumpReaderTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task ReadAsync_OfAWholeDump_GivesEveryKeyAndLease()
    {
        var binary = new byte[] { 0, 1, 2, 0xff, (byte)'\n' };
        var path = Write(Dump(
            Header(revision: 9, keys: 2),
            DumpFormat.Entry(new DumpEntry("/registry/a", binary, 3, 7, 2, 0)),
            DumpFormat.Entry(new DumpEntry("/registry/b", "b"u8.ToArray(), 8, 8, 1, 42)),
            DumpFormat.Lease(new DumpLease(42, 60))));
        var entries = new List<DumpEntry>();
        var leases = new List<DumpLease>();

        var contents = await DumpReader.ReadAsync(path, entries.Add, leases.Add, new BackupProgress(), CancellationToken.None);

        Assert.Equal(new BackupContents(BackupKind.Dump, 9, 2), contents);
        Assert.Equal(["/registry/a", "/registry/b"], entries.Select(e => e.Key));
        Assert.Equal(binary, entries[0].Value);
        Assert.Equal((3, 7, 2), (entries[0].CreateRevision, entries[0].ModRevision, entries[0].Version));
        Assert.Equal([new DumpLease(42, 60)], leases);
    }

    [Fact]
    public async Task ReadAsync_OfADumpCutAtALineEnd_SaysItIsTruncated()
    {
        var whole = Dump(Header(revision: 5, keys: 2), Key("/a", 2), Key("/b", 3));
        var withoutEnd = whole[..(whole.LastIndexOf("\n{\"end\"", StringComparison.Ordinal) + 1)];

        var error = await Refused(Write(withoutEnd));

        Assert.Contains("without its end line: the file is truncated", error.Message);
    }

    [Fact]
    public async Task ReadAsync_OfADumpCutInsideALine_SaysItIsTruncated()
    {
        var whole = Dump(Header(revision: 5, keys: 2), Key("/a", 2), Key("/b", 3));

        var error = await Refused(Write(whole[..(whole.Length / 2)]));

        Assert.Contains("cut short", error.Message);
    }

    [Fact]
    public async Task ReadAsync_OfAChangedLine_ReportsTheHashMismatch()
    {
        var changed = Dump(Header(revision: 5, keys: 1), Key("/a", 2)).Replace("\"/a\"", "\"/z\"", StringComparison.Ordinal);

        var error = await Refused(Write(changed));

        Assert.Contains("SHA-256", error.Message);
    }

    [Fact]
    public async Task ReadAsync_OfADumpMissingAKey_ReportsTheCounts()
    {
        var error = await Refused(Write(Dump(Header(revision: 5, keys: 2), Key("/a", 2))));

        Assert.Contains("the header 2 keys, but the file holds 1 keys", error.Message);
    }

    [Fact]
    public async Task ReadAsync_OfAKeyAfterALease_SaysItIsOutOfPlace()
    {
        var error = await Refused(Write(Dump(Header(revision: 5, keys: 1), DumpFormat.Lease(new DumpLease(1, 5)), Key("/a", 2))));

        Assert.Contains("line 3 is out of place", error.Message);
    }

    [Fact]
    public async Task ReadAsync_OfAKeyOnAnUnlistedLease_IsRefused()
    {
        var error = await Refused(Write(Dump(Header(revision: 5, keys: 1), DumpFormat.Entry(new DumpEntry("/a", [], 2, 2, 1, 77)))));

        Assert.Contains("lease 77", error.Message);
    }

    [Fact]
    public async Task ReadAsync_OfAKeyNewerThanTheDump_IsRefused()
    {
        var error = await Refused(Write(Dump(Header(revision: 5, keys: 1), Key("/a", 6))));

        Assert.Contains("cannot be at revision 5", error.Message);
    }

    [Fact]
    public async Task ReadAsync_OfAnotherVersion_SaysSo()
    {
        var header = DumpFormat.Header(new DumpHeader(DumpFormat.Name, 2, 5, 0, DateTimeOffset.UnixEpoch, "test"));

        var error = await Refused(Write(Dump(header)));

        Assert.Equal(BackupException.VersionNotSupported, error.ErrorId);
    }

    [Fact]
    public async Task ReadAsync_OfLinesAfterTheEnd_IsRefused()
    {
        var error = await Refused(Write(Dump(Header(revision: 5, keys: 0)) + "{}\n"));

        Assert.Contains("follows the end line", error.Message);
    }

    [Fact]
    public async Task ReadAsync_OfSomethingElse_NamesTheLine()
    {
        var error = await Refused(directory.Write("other.jsonl", "{\"format\":\"k3sps-datastore-dump\",\"version\":1}\n"));

        Assert.Contains("line 1 is not a dump line", error.Message);
    }

    private static byte[] Header(long revision, long keys) =>
        DumpFormat.Header(new DumpHeader(DumpFormat.Name, DumpFormat.Version, revision, keys, DateTimeOffset.UnixEpoch, "test"));

    private static byte[] Key(string key, long revision) => DumpFormat.Entry(new DumpEntry(key, Encoding.UTF8.GetBytes(key), revision, revision, 1, 0));

    /// <summary>The lines, then the end line that counts them and hashes them, as the writer makes it.</summary>
    private static string Dump(params byte[][] lines)
    {
        var body = lines.SelectMany(line => line).ToArray();
        var keys = lines.Count(line => line.AsSpan().StartsWith("{\"key\""u8));
        var leases = lines.Count(line => line.AsSpan().StartsWith("{\"lease\""u8));
        var end = DumpFormat.End(new DumpEnd(keys, leases, Convert.ToHexStringLower(SHA256.HashData(body))));
        return Encoding.UTF8.GetString([.. body, .. end]);
    }

    private string Write(string dump) => directory.Write("dump.jsonl", dump);

    private static async Task<BackupException> Refused(string path)
    {
        var error = await Assert.ThrowsAsync<BackupException>(() => DumpReader.ReadAsync(path, null, null, new BackupProgress(), CancellationToken.None));
        if (error.ErrorId != BackupException.VersionNotSupported)
            Assert.Equal(BackupException.BackupCorrupt, error.ErrorId);
        return error;
    }
}
