using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Datastore;

/// <summary>
/// Restores a backup into a stopped server's data dir: the backup is verified whole before anything
/// is written, the new state.db is built under a temporary name beside the old one and renamed over
/// it only when complete, so the data dir holds either the old database or the new one, never half.
/// </summary>
public static class RestoreDatabase
{
    /// <summary>Checks the target and verifies the backup; writes nothing.</summary>
    public static async Task<RestorePlan> PrepareAsync(string backupPath, string dataDir, bool force,
        BackupProgress progress, CancellationToken cancellationToken)
    {
        backupPath = Path.GetFullPath(backupPath);
        dataDir = Path.GetFullPath(dataDir);
        if (!File.Exists(backupPath))
        {
            throw new BackupException(BackupException.BackupNotFound,
                Directory.Exists(backupPath) ? $"{backupPath}: a folder, not a backup file" : $"{backupPath}: no such file");
        }
        CheckStopped(dataDir);
        var database = DatastoreSource.DatabaseOf(dataDir);
        var exists = File.Exists(database);
        if (exists && !force)
            throw TargetExists(database);
        progress.Report($"Verifying {backupPath}");
        var contents = await BackupFile.VerifyAsync(backupPath, progress, cancellationToken);
        return new RestorePlan(backupPath, dataDir, database, contents, exists);
    }

    /// <summary>Writes the new state.db and puts it in place of the old one.</summary>
    public static async Task<RestoreInfo> ApplyAsync(RestorePlan plan, BackupProgress progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        CheckStopped(plan.DataDir);
        if (File.Exists(plan.DatabasePath) && !plan.ReplacesExisting)
            throw TargetExists(plan.DatabasePath);
        var temporary = BackupFile.TemporaryBeside(plan.DatabasePath);
        try
        {
            CreateFolder(Path.GetDirectoryName(plan.DatabasePath)!);
            if (plan.Contents.Kind == BackupKind.Sqlite)
                await CopyAsync(plan, temporary, progress, cancellationToken);
            else
                await BuildFromDumpAsync(plan, temporary, progress, cancellationToken);
            var (revision, keys) = Count(temporary);
            if (keys != plan.Contents.Keys)
                throw BackupFile.Corrupt(plan.BackupPath, $"the restored database has {keys} keys where the backup has {plan.Contents.Keys}");
            progress.Report($"Replacing {plan.DatabasePath}", 100);
            CheckStopped(plan.DataDir);
            var replaced = File.Exists(plan.DatabasePath);
            RetireOldDatabase(plan.DatabasePath);
            BackupFile.Commit(temporary, plan.DatabasePath, overwrite: true);
            return new RestoreInfo(plan.DataDir, plan.DatabasePath, plan.BackupPath, plan.Contents.Kind, plan.Contents.Revision, revision, keys,
                new FileInfo(plan.DatabasePath).Length, replaced, started.Elapsed);
        }
        catch (Exception e)
        {
            BackupFile.Discard(temporary);
            if (e is IOException or UnauthorizedAccessException or SqliteException)
                throw new BackupException(BackupException.WriteFailed, $"{plan.DatabasePath}: the restore failed, nothing was replaced: {e.Message}", e);
            throw;
        }
    }

    private static void CheckStopped(string dataDir)
    {
        var socket = DatastoreSource.SocketOf(dataDir);
        if (EtcdChannel.Answers(socket))
        {
            throw new BackupException(BackupException.ServerRunning,
                $"{dataDir}: a server answers on {socket}; stop it before restoring its datastore");
        }
    }

    private static BackupException TargetExists(string database) =>
        new(BackupException.TargetExists, $"{database} exists; use -Force to replace it with the backup");

    /// <summary>The datastore holds the cluster's secrets: a folder made for it is its owner's only, as kine makes it.</summary>
    private static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder);
        else
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task CopyAsync(RestorePlan plan, string temporary, BackupProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            await BackupSqlite.CopyAsync(plan.BackupPath, temporary, progress, $"Copying {plan.BackupPath}", cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26) // SQLITE_CORRUPT, SQLITE_NOTADB
        {
            throw BackupFile.Corrupt(plan.BackupPath, e.Message, e);
        }
    }

    /// <summary>kine's schema, then one create per key (in key order: revisions 1 to N) and K3sPs's lease rows, in one transaction.</summary>
    private static Task BuildFromDumpAsync(RestorePlan plan, string temporary, BackupProgress progress, CancellationToken cancellationToken) =>
        Task.Run(async () =>
        {
            SqliteLibrary.Initialize();
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = temporary,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            connection.Open();
            foreach (var statement in KineSqliteSchema.Kine.Append(KineSqliteSchema.Leases))
            {
                using var create = connection.CreateCommand();
                create.CommandText = statement;
                create.ExecuteNonQuery();
            }
            using var transaction = connection.BeginTransaction();
            using var insertKey = connection.CreateCommand();
            insertKey.Transaction = transaction;
            insertKey.CommandText = RestoreSchema.InsertKey;
            var name = insertKey.Parameters.Add("$name", SqliteType.Text);
            var lease = insertKey.Parameters.Add("$lease", SqliteType.Integer);
            var value = insertKey.Parameters.Add("$value", SqliteType.Blob);
            using var insertLease = connection.CreateCommand();
            insertLease.Transaction = transaction;
            insertLease.CommandText = RestoreSchema.InsertLease;
            var id = insertLease.Parameters.Add("$id", SqliteType.Integer);
            var ttl = insertLease.Parameters.Add("$ttl", SqliteType.Integer);
            var expires = insertLease.Parameters.Add("$expires", SqliteType.Integer);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await DumpReader.ReadAsync(plan.BackupPath,
                entry =>
                {
                    name.Value = entry.Key;
                    lease.Value = entry.Lease;
                    value.Value = entry.Value;
                    try
                    {
                        insertKey.ExecuteNonQuery();
                    }
                    catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: kine's unique (name, prev_revision)
                    {
                        throw BackupFile.Corrupt(plan.BackupPath, $"the key \"{entry.Key}\" is in the dump twice", e);
                    }
                },
                entry =>
                {
                    id.Value = entry.Id;
                    ttl.Value = entry.Ttl;
                    expires.Value = now + entry.Ttl * 1000;
                    insertLease.ExecuteNonQuery();
                },
                progress, cancellationToken);
            transaction.Commit();
        }, cancellationToken);

    private static (long Revision, long Keys) Count(string database)
    {
        using var connection = BackupFile.OpenReadOnly(database);
        return BackupFile.Count(connection);
    }

    /// <summary>
    /// Folds the old database's WAL into it, then removes its -wal and -shm: SQLite would replay a WAL
    /// left beside the new file into it. If the old database cannot be opened, its WAL goes with it.
    /// </summary>
    private static void RetireOldDatabase(string database)
    {
        if (File.Exists(database))
        {
            try
            {
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
                {
                    DataSource = database,
                    Mode = SqliteOpenMode.ReadWrite,
                    Pooling = false,
                    DefaultTimeout = 5,
                }.ToString());
                connection.Open();
                using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // A damaged database is being replaced: there is nothing of it left to keep.
            }
        }
        foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
            File.Delete(database + suffix);
    }
}
