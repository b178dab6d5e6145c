namespace K3s.Core.Datastore;

/// <summary>Why a backup or a restore cannot be done; <see cref="ErrorId"/> is stable, for scripts to match on.</summary>
public sealed class BackupException(string errorId, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The backup file exists and -Force was not given.</summary>
    public const string BackupExists = "BackupExists";

    /// <summary>The folder the backup file should go to does not exist.</summary>
    public const string DirectoryNotFound = "BackupDirectoryNotFound";

    /// <summary>The backup file to restore does not exist.</summary>
    public const string BackupNotFound = "BackupNotFound";

    /// <summary>The backup file is truncated, damaged, or not a backup.</summary>
    public const string BackupCorrupt = "BackupCorrupt";

    /// <summary>A dump of a format version this module does not know.</summary>
    public const string VersionNotSupported = "BackupVersionNotSupported";

    /// <summary>The datastore gave a different number of keys when counted and when listed at the same revision.</summary>
    public const string Inconsistent = "BackupInconsistent";

    /// <summary>A server answers on the target data dir's kine.sock.</summary>
    public const string ServerRunning = "ServerRunning";

    /// <summary>The target data dir has a state.db and -Force was not given.</summary>
    public const string TargetExists = "TargetExists";

    /// <summary>Writing the backup or the restored database failed (disk full, no permission, …).</summary>
    public const string WriteFailed = "BackupWriteFailed";

    public string ErrorId { get; } = errorId;
}
