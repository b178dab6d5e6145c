using System.Diagnostics;
using System.Security.Cryptography;

namespace K3s.Core.Datastore;

/// <summary>
/// Writes the logical dump (<see cref="DumpFormat"/>) of an etcd v3 endpoint: the live keys at one
/// revision, read page by page at that revision, so writes made meanwhile are not in it.
/// </summary>
public static class DumpWriter
{
    public static async Task<BackupInfo> CreateAsync(string endpoint, string target, bool overwrite,
        BackupProgress progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        progress.Report($"Reading the revision of {endpoint}");
        using var server = DumpEndpoint.Connect(endpoint);
        var revision = await server.CurrentRevisionAsync(cancellationToken);
        var expected = await server.CountAsync(revision, cancellationToken);
        var temporary = BackupFile.TemporaryBeside(target);
        try
        {
            try
            {
                await WriteAsync(server, temporary, new DumpHeader(DumpFormat.Name, DumpFormat.Version, revision, expected, DateTimeOffset.UtcNow, endpoint),
                    progress, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new BackupException(BackupException.WriteFailed, $"{target}: writing the dump failed: {e.Message}", e);
            }
            var contents = await DumpReader.ReadAsync(temporary, null, null, progress, cancellationToken);
            progress.Report($"Writing {target}", 100);
            BackupFile.Commit(temporary, target, overwrite);
            return new BackupInfo(target, BackupKind.Dump, endpoint, revision, contents.Keys, new FileInfo(target).Length, started.Elapsed);
        }
        catch
        {
            BackupFile.Discard(temporary);
            throw;
        }
    }

    private static async Task WriteAsync(DumpEndpoint server, string path, DumpHeader header,
        BackupProgress progress, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        async Task WriteLineAsync(byte[] line)
        {
            hash.AppendData(line);
            await file.WriteAsync(line, cancellationToken);
        }

        await WriteLineAsync(DumpFormat.Header(header));
        var leases = new SortedSet<long>();
        long keys = 0;
        await foreach (var item in server.ListAsync(header.Revision, cancellationToken))
        {
            await WriteLineAsync(DumpFormat.Entry(new DumpEntry(item.Key.ToStringUtf8(), item.Value.ToByteArray(), item.CreateRevision, item.ModRevision, item.Version, item.Lease)));
            if (item.Lease != 0)
                leases.Add(item.Lease);
            if (++keys % 100 == 0)
                progress.Report($"Dumping the keys at revision {header.Revision}: {keys} of {header.Keys}", keys, header.Keys, 0, 90);
        }
        if (keys != header.Keys)
        {
            throw new BackupException(BackupException.Inconsistent,
                $"{header.Source}: the datastore counted {header.Keys} keys at revision {header.Revision} but listed {keys}");
        }
        progress.Report($"Reading the TTLs of {leases.Count} leases", 90);
        foreach (var lease in leases)
            await WriteLineAsync(DumpFormat.Lease(new DumpLease(lease, await server.GrantedTtlAsync(lease, cancellationToken))));
        var sha256 = Convert.ToHexStringLower(hash.GetCurrentHash());
        await file.WriteAsync(DumpFormat.End(new DumpEnd(keys, leases.Count, sha256)), cancellationToken);
        await file.FlushAsync(cancellationToken);
        file.Flush(flushToDisk: true);
    }
}
