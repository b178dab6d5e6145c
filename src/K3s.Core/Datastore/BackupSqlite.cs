using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Datastore;

/// <summary>
/// The online backup of a SQLite datastore: <c>VACUUM INTO</c> on a read-only connection. It reads in
/// one transaction, so the copy is the database at one revision however much a server writes
/// meanwhile (in WAL mode a reader does not block the writer); it needs no write access to the
/// source, and the copy is compacted, a single file in rollback-journal mode.
/// </summary>
public static class BackupSqlite
{
    public static async Task<BackupInfo> CreateAsync(string database, string target, bool overwrite,
        BackupProgress progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var temporary = BackupFile.TemporaryBeside(target);
        try
        {
            try
            {
                await CopyAsync(database, temporary, progress, $"Copying {database}", cancellationToken);
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, SQLITE_NOTADB
            {
                throw new DatastoreAccessException(DatastoreAccessException.NotKine, $"{database}: the database is corrupt or not a SQLite database ({e.Message})", e);
            }
            catch (SqliteException e)
            {
                throw new BackupException(BackupException.WriteFailed, $"{target}: the copy failed: {e.Message}", e);
            }
            var contents = BackupFile.VerifySqlite(temporary, progress, cancellationToken);
            progress.Report($"Writing {target}", 100);
            BackupFile.Commit(temporary, target, overwrite);
            return new BackupInfo(target, BackupKind.Sqlite, database, contents.Revision, contents.Keys, new FileInfo(target).Length, started.Elapsed);
        }
        catch
        {
            BackupFile.Discard(temporary);
            throw;
        }
    }

    /// <summary>
    /// Copies a kine database into a new file, in one read transaction; progress from the size of the
    /// copy against the source's (the copy leaves out free pages, so it may end short of 100%).
    /// </summary>
    internal static async Task CopyAsync(string source, string copy, BackupProgress progress, string status, CancellationToken cancellationToken)
    {
        progress.Report(status, 0);
        using var connection = BackupFile.OpenReadOnly(source);
        long expected;
        using (var check = connection.CreateCommand())
        {
            check.CommandText =
                "SELECT (SELECT COUNT(*) FROM pragma_table_info('kine')), (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size())";
            using var reader = check.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) == 0)
                throw new DatastoreAccessException(DatastoreAccessException.NotKine, $"{source}: not a kine database (no kine table)");
            expected = reader.GetInt64(1);
        }
        using var vacuum = connection.CreateCommand();
        vacuum.CommandText = "VACUUM INTO $copy";
        vacuum.Parameters.AddWithValue("$copy", copy);
        using var interrupt = BackupFile.InterruptOnCancel(connection, cancellationToken);
        var copying = Task.Run(vacuum.ExecuteNonQuery, CancellationToken.None);
        while (!copying.IsCompleted)
        {
            await Task.WhenAny(copying, Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None));
            var written = File.Exists(copy) ? new FileInfo(copy).Length : 0;
            progress.Report($"{status}: {Mebibytes(written)} of {Mebibytes(expected)}", written, expected, 0, 90);
        }
        try
        {
            await copying;
        }
        catch (SqliteException e) when (cancellationToken.IsCancellationRequested && e.SqliteErrorCode == 9) // SQLITE_INTERRUPT
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static string Mebibytes(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";
}
