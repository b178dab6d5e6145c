using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>
/// Backs up a datastore while its server runs: a SQLite state.db as an online, consistent copy; an
/// etcd v3 endpoint (PostgreSQL, MySQL or etcd behind it) as a logical dump of its keys at one revision.
/// </summary>
/// <remarks>
/// Not a <see cref="DatastoreCmdlet"/>: there -Path names a state.db to read, here it names the backup
/// file, so the state.db to copy is -DatabasePath.
/// </remarks>
[Cmdlet(VerbsData.Backup, "K3sDatastore", DefaultParameterSetName = DataDirSet, SupportsShouldProcess = true)]
[OutputType(typeof(BackupInfo))]
public sealed class BackupK3sDatastoreCommand : PSCmdlet
{
    private const string DataDirSet = "DataDir";
    private const string DatabasePathSet = "DatabasePath";
    private const string EndpointSet = "Endpoint";

    private readonly CancellationTokenSource stopping = new();

    /// <summary>The backup file to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary>A K3sPs or k3s data dir: its server/db/state.db if there is one, else its running server's kine.sock.</summary>
    [Parameter(ParameterSetName = DataDirSet)]
    public string DataDir { get; set; } = DatastoreSource.DefaultDataDir;

    /// <summary>A kine state.db, copied online.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DatabasePathSet)]
    public string DatabasePath { get; set; } = "";

    /// <summary>An etcd v3 endpoint, dumped: http://host:port, or unix:///path/to/kine.sock.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EndpointSet)]
    public string Endpoint { get; set; } = "";

    /// <summary>Overwrites an existing backup file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void StopProcessing() => stopping.Cancel();

    protected override void EndProcessing()
    {
        try
        {
            var target = GetUnresolvedProviderPathFromPSPath(Path);
            var source = ParameterSetName switch
            {
                DatabasePathSet => BackupSource.FromDatabase(GetUnresolvedProviderPathFromPSPath(DatabasePath)),
                EndpointSet => BackupSource.FromEndpoint(Endpoint),
                _ => BackupSource.FromDataDir(GetUnresolvedProviderPathFromPSPath(DataDir)),
            };
            CheckTarget(target);
            if (!ShouldProcess(target, $"Back up the datastore {source}"))
                return;
            var progress = new BackupProgress();
            var work = source.Kind == BackupKind.Sqlite
                ? Task.Run(() => BackupSqlite.CreateAsync(source.Location, target, Force, progress, stopping.Token))
                : Task.Run(() => DumpWriter.CreateAsync(source.Location, target, Force, progress, stopping.Token));
            var backup = progress.Wait(work, (status, percent) =>
                WriteProgress(new ProgressRecord(1, "Backup-K3sDatastore", status) { PercentComplete = percent }));
            WriteProgress(new ProgressRecord(1, "Backup-K3sDatastore", "Done") { RecordType = ProgressRecordType.Completed });
            WriteObject(backup);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Ctrl+C: the partial file has been removed.
        }
        catch (Exception e) when (BackupErrors.Record(e) is { } record)
        {
            ThrowTerminatingError(record);
        }
    }

    private void CheckTarget(string target)
    {
        if (Directory.Exists(target))
            throw new BackupException(BackupException.BackupExists, $"{target}: a folder; give the backup file's path");
        var folder = System.IO.Path.GetDirectoryName(target);
        if (!Directory.Exists(folder))
            throw new BackupException(BackupException.DirectoryNotFound, $"{folder}: no such folder for the backup file");
        if (File.Exists(target) && !Force)
            throw new BackupException(BackupException.BackupExists, $"{target}: the file exists; use -Force to overwrite it");
    }
}
