using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>The error records of Backup-K3sDatastore and Restore-K3sDatastore: stable ids, fitting categories.</summary>
internal static class BackupErrors
{
    /// <summary>The record for a failure the cmdlets explain; null for anything else (a bug, to surface as is).</summary>
    public static ErrorRecord? Record(Exception e) => e switch
    {
        BackupException backup => new ErrorRecord(backup, backup.ErrorId, backup.ErrorId switch
        {
            BackupException.BackupExists or BackupException.TargetExists => ErrorCategory.ResourceExists,
            BackupException.BackupNotFound or BackupException.DirectoryNotFound => ErrorCategory.ObjectNotFound,
            BackupException.BackupCorrupt or BackupException.VersionNotSupported => ErrorCategory.InvalidData,
            BackupException.ServerRunning => ErrorCategory.ResourceBusy,
            BackupException.Inconsistent => ErrorCategory.InvalidResult,
            _ => ErrorCategory.WriteError,
        }, null),
        DatastoreAccessException access => new ErrorRecord(access, access.ErrorId, access.ErrorId switch
        {
            DatastoreAccessException.FileNotFound => ErrorCategory.ObjectNotFound,
            DatastoreAccessException.NotKine => ErrorCategory.InvalidData,
            DatastoreAccessException.Unreachable => ErrorCategory.ConnectionError,
            _ => ErrorCategory.InvalidArgument,
        }, null),
        IOException or UnauthorizedAccessException => new ErrorRecord(e, BackupException.WriteFailed, ErrorCategory.WriteError, null),
        _ => null,
    };
}
