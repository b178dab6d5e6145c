using System.Security.Cryptography;
using K3s.Core.Datastore;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Tests.Datastore;

public sealed class BackupRestoreTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        directory.Dispose();
    }

    [Fact]
    public async Task Restore_OfADump_WritesKineRowsThatReadBackAsTheDumpedKeys()
    {
        var dataDir = Path.Combine(directory.Path, "data");

        var restored = await Restore(WriteDump(), dataDir, force: false);

        Assert.Equal((BackupKind.Dump, 40L, 2L, 2L, false), (restored.Kind, restored.BackupRevision, restored.Revision, restored.Keys, restored.Replaced));
        await using var reader = SqliteDatastoreReader.Open(restored.DatabasePath);
        var rows = new List<DatastoreRow>();
        await foreach (var row in reader.ListAsync(KeySelection.All, 0, CancellationToken.None))
            rows.Add(row);
        Assert.Equal(["/registry/a", "/registry/b"], rows.Select(r => r.Key));
        Assert.Equal("value a"u8.ToArray(), rows[0].Value);
        Assert.Equal((1L, 1L, 1L, DatastoreOperation.Create), (rows[0].Revision, rows[0].CreateRevision, rows[0].Version, rows[0].Operation));
        Assert.Equal(7L, rows[1].Lease);
        Assert.Equal(["state.db"], Directory.GetFiles(Path.GetDirectoryName(restored.DatabasePath)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Restore_OfADump_GivesTheLeasesTheirTtl()
    {
        var restored = await Restore(WriteDump(), Path.Combine(directory.Path, "data"), force: false);

        using var connection = new SqliteConnection($"Data Source={restored.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, ttl FROM k3sps_lease";
        using var rows = command.ExecuteReader();
        Assert.True(rows.Read());
        Assert.Equal((7L, 30L), (rows.GetInt64(0), rows.GetInt64(1)));
        Assert.False(rows.Read());
    }

    [Fact]
    public async Task Restore_OverAnExistingDatabase_NeedsForce_AndThenRemovesTheOldWal()
    {
        var dataDir = Path.Combine(directory.Path, "data");
        var first = await Restore(WriteDump(), dataDir, force: false);
        var before = SHA256.HashData(File.ReadAllBytes(first.DatabasePath));

        var refused = await Assert.ThrowsAsync<BackupException>(() => Restore(WriteDump(), dataDir, force: false));
        Assert.Equal(BackupException.TargetExists, refused.ErrorId);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(first.DatabasePath)));

        File.WriteAllBytes(first.DatabasePath + "-wal", new byte[4096]);
        var second = await Restore(WriteDump(), dataDir, force: true);
        Assert.True(second.Replaced);
        Assert.False(File.Exists(first.DatabasePath + "-wal"));
    }

    [Fact]
    public async Task Restore_OfASqliteBackup_KeepsItsRevisions()
    {
        var original = await Restore(WriteDump(), Path.Combine(directory.Path, "original"), force: false);

        var copy = await Restore(original.DatabasePath, Path.Combine(directory.Path, "copy"), force: false);

        Assert.Equal((BackupKind.Sqlite, original.Revision, original.Revision, original.Keys), (copy.Kind, copy.BackupRevision, copy.Revision, copy.Keys));
    }

    [Fact]
    public async Task Backup_OfAStateDb_IsAVerifiedCopyInRollbackMode()
    {
        var original = await Restore(WriteDump(), Path.Combine(directory.Path, "original"), force: false);
        var target = Path.Combine(directory.Path, "backup.db");

        var backup = await BackupSqlite.CreateAsync(original.DatabasePath, target, overwrite: false, new BackupProgress(), CancellationToken.None);

        Assert.Equal((BackupKind.Sqlite, 2L, 2L), (backup.Kind, backup.Revision, backup.Keys));
        Assert.Equal(BackupKind.Sqlite, BackupFile.KindOf(target));
        Assert.Equal(new BackupContents(BackupKind.Sqlite, 2, 2), BackupFile.VerifySqlite(target, new BackupProgress(), CancellationToken.None));
        Assert.Equal([1, 1], File.ReadAllBytes(target)[18..20]); // file format write/read version: 1 = rollback journal, 2 = WAL
        Assert.Empty(Directory.GetFiles(directory.Path, "*.partial"));
    }

    [Fact]
    public async Task VerifySqlite_OfATruncatedCopy_SaysItIsTruncated()
    {
        var original = await Restore(WriteDump(), Path.Combine(directory.Path, "original"), force: false);
        var bytes = File.ReadAllBytes(original.DatabasePath);
        var truncated = Path.Combine(directory.Path, "truncated.db");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<BackupException>(() => BackupFile.VerifySqlite(truncated, new BackupProgress(), CancellationToken.None));

        Assert.Equal(BackupException.BackupCorrupt, error.ErrorId);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void VerifySqlite_OfADatabaseWithoutKine_SaysItIsNotABackup()
    {
        var path = Path.Combine(directory.Path, "other.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE other (x)";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<BackupException>(() => BackupFile.VerifySqlite(path, new BackupProgress(), CancellationToken.None));

        Assert.Contains("without kine's table", error.Message);
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("PK\u0003\u0004 a zip", "neither a SQLite database nor a K3sPs datastore dump")]
    public void KindOf_OfAnythingElse_IsRefused(string contents, string message)
    {
        var error = Assert.Throws<BackupException>(() => BackupFile.KindOf(directory.Write("other", contents)));

        Assert.Equal(BackupException.BackupCorrupt, error.ErrorId);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Prepare_OfAMissingBackup_IsBackupNotFound()
    {
        var error = await Assert.ThrowsAsync<BackupException>(() =>
            RestoreDatabase.PrepareAsync(Path.Combine(directory.Path, "missing"), directory.Path, force: false, new BackupProgress(), CancellationToken.None));

        Assert.Equal(BackupException.BackupNotFound, error.ErrorId);
    }

    private string WriteDump()
    {
        byte[][] lines =
        [
            DumpFormat.Header(new DumpHeader(DumpFormat.Name, DumpFormat.Version, 40, 2, DateTimeOffset.UnixEpoch, "test")),
            DumpFormat.Entry(new DumpEntry("/registry/a", "value a"u8.ToArray(), 3, 30, 4, 0)),
            DumpFormat.Entry(new DumpEntry("/registry/b", "value b"u8.ToArray(), 40, 40, 1, 7)),
            DumpFormat.Lease(new DumpLease(7, 30)),
        ];
        var body = lines.SelectMany(line => line).ToArray();
        var end = DumpFormat.End(new DumpEnd(2, 1, Convert.ToHexStringLower(SHA256.HashData(body))));
        var path = Path.Combine(directory.Path, "dump.jsonl");
        File.WriteAllBytes(path, [.. body, .. end]);
        return path;
    }

    private static async Task<RestoreInfo> Restore(string backup, string dataDir, bool force)
    {
        var plan = await RestoreDatabase.PrepareAsync(backup, dataDir, force, new BackupProgress(), CancellationToken.None);
        return await RestoreDatabase.ApplyAsync(plan, new BackupProgress(), CancellationToken.None);
    }
}
