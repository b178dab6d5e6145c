using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace K3s.Core.Datastore;

/// <summary>
/// Reads a dump (<see cref="DumpFormat"/>) from end to end and checks it: the header, every line,
/// their order, the end line's counts and hash. A dump that fails any check is refused whole.
/// </summary>
public static class DumpReader
{
    /// <summary>Longer lines are not a dump's: a value of etcd's largest request, in base64, fits many times over.</summary>
    private const int MaxLineBytes = 256 << 20;

    /// <summary>
    /// Reads and checks the whole dump, handing each key and lease to the callbacks (null to only check);
    /// a <see cref="BackupException"/> if it is not whole. The callbacks may have been called before a
    /// later line fails, so whatever they build must be thrown away on an exception.
    /// </summary>
    public static async Task<BackupContents> ReadAsync(string path, Action<DumpEntry>? onEntry, Action<DumpLease>? onLease,
        BackupProgress progress, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var name = Path.GetFileName(path);
        DumpHeader? header = null;
        DumpEnd? end = null;
        var namedLeases = new HashSet<long>();
        var listedLeases = new HashSet<long>();
        long keys = 0, number = 0;
        await foreach (var (line, ended) in LinesAsync(file, path, cancellationToken))
        {
            number++;
            if (!ended)
                throw BackupFile.Corrupt(path, $"line {number} is cut short (no end of line): the file is truncated");
            if (end is not null)
                throw BackupFile.Corrupt(path, $"line {number} follows the end line");
            DumpLine parsed;
            try
            {
                parsed = DumpFormat.Parse(line);
            }
            catch (FormatException e)
            {
                throw BackupFile.Corrupt(path, $"line {number} is not a dump line ({e.Message})", e);
            }
            switch (parsed)
            {
                case DumpHeader first when header is null:
                    if (first.Format != DumpFormat.Name)
                        throw BackupFile.Corrupt(path, $"its format is \"{first.Format}\", not \"{DumpFormat.Name}\"");
                    if (first.Version != DumpFormat.Version)
                        throw new BackupException(BackupException.VersionNotSupported, $"{path}: dump format version {first.Version}; this module reads version {DumpFormat.Version}");
                    header = first;
                    break;
                case var _ when header is null:
                    throw BackupFile.Corrupt(path, "line 1 is not a dump header");
                case DumpEntry entry when listedLeases.Count == 0:
                    Check(path, number, entry, header);
                    keys++;
                    if (entry.Lease != 0)
                        namedLeases.Add(entry.Lease);
                    onEntry?.Invoke(entry);
                    break;
                case DumpLease lease:
                    if (lease.Id == 0 || lease.Ttl < 0 || !listedLeases.Add(lease.Id))
                        throw BackupFile.Corrupt(path, $"line {number}: lease {lease.Id} with TTL {lease.Ttl} is not valid, or listed twice");
                    onLease?.Invoke(lease);
                    break;
                case DumpEnd last:
                    var sha256 = Convert.ToHexStringLower(hash.GetCurrentHash());
                    if (last.Keys != keys || last.Keys != header.Keys || last.Leases != listedLeases.Count)
                    {
                        throw BackupFile.Corrupt(path,
                            $"the end line counts {last.Keys} keys and {last.Leases} leases, the header {header.Keys} keys, but the file holds {keys} keys and {listedLeases.Count} leases");
                    }
                    if (!string.Equals(last.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
                        throw BackupFile.Corrupt(path, $"its SHA-256 is {sha256}, not {last.Sha256} as its end line says: the file was changed");
                    end = last;
                    break;
                default:
                    throw BackupFile.Corrupt(path, $"line {number} is out of place (a dump is: header, keys, leases, end)");
            }
            if (parsed is not DumpEnd)
            {
                hash.AppendData(line.Span);
                hash.AppendData("\n"u8);
            }
            if (number % 1000 == 0)
                progress.Report($"Reading {name}: {keys} keys", file.Position, file.Length, 0, 90);
        }
        if (header is null)
            throw BackupFile.Corrupt(path, "the file is empty");
        if (end is null)
            throw BackupFile.Corrupt(path, $"it ends after line {number} without its end line: the file is truncated");
        if (namedLeases.Except(listedLeases).Order().FirstOrDefault() is var missing and not 0)
            throw BackupFile.Corrupt(path, $"keys name lease {missing}, which the dump does not list");
        return new BackupContents(BackupKind.Dump, header.Revision, keys);
    }

    private static void Check(string path, long number, DumpEntry entry, DumpHeader header)
    {
        if (entry.Key.Length == 0 || entry.CreateRevision < 1 || entry.ModRevision < entry.CreateRevision
            || entry.ModRevision > header.Revision || entry.Version < 1 || entry.Lease < 0)
        {
            throw BackupFile.Corrupt(path,
                $"line {number}: key \"{entry.Key}\" with create revision {entry.CreateRevision}, mod revision {entry.ModRevision}, version {entry.Version} and lease {entry.Lease} cannot be at revision {header.Revision}");
        }
    }

    /// <summary>The file's lines without their "\n", and whether each had one.</summary>
    private static async IAsyncEnumerable<(ReadOnlyMemory<byte> Line, bool Ended)> LinesAsync(Stream stream, string path,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        var pending = new MemoryStream();
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var start = 0;
            while (start < read)
            {
                var newline = Array.IndexOf(buffer, (byte)'\n', start, read - start);
                if (newline < 0)
                {
                    pending.Write(buffer, start, read - start);
                    if (pending.Length > MaxLineBytes)
                        throw BackupFile.Corrupt(path, $"a line is longer than {MaxLineBytes} bytes");
                    break;
                }
                if (pending.Length == 0)
                {
                    yield return (buffer.AsMemory(start, newline - start), true);
                }
                else
                {
                    pending.Write(buffer, start, newline - start);
                    yield return (pending.ToArray(), true);
                    pending.SetLength(0);
                }
                start = newline + 1;
            }
        }
        if (pending.Length > 0)
            yield return (pending.ToArray(), false);
    }
}
