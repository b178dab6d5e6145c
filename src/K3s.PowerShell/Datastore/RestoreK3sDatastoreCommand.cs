using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>
/// Restores a backup of Backup-K3sDatastore into a stopped server's data dir, as its
/// server/db/state.db; verifies the whole backup first and never leaves a half-written database.
/// </summary>
[Cmdlet(VerbsData.Restore, "K3sDatastore", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RestoreInfo))]
public sealed class RestoreK3sDatastoreCommand : PSCmdlet
{
    private readonly CancellationTokenSource stopping = new();

    /// <summary>The backup file: a SQLite copy or a dump; the Path of Backup-K3sDatastore's output binds to it.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>The data dir of the stopped server to restore into.</summary>
    [Parameter(Mandatory = true)]
    public string DataDir { get; set; } = "";

    /// <summary>Replaces an existing state.db.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Writes a RestoreInfo for the restored database.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void StopProcessing() => stopping.Cancel();

    protected override void ProcessRecord()
    {
        try
        {
            var progress = new BackupProgress();
            var backup = GetUnresolvedProviderPathFromPSPath(Path);
            var dataDir = GetUnresolvedProviderPathFromPSPath(DataDir);
            var plan = Wait(progress, Task.Run(() => RestoreDatabase.PrepareAsync(backup, dataDir, Force, progress, stopping.Token)));
            var contents = plan.Contents;
            var action = $"Restore the {contents.Kind} backup {plan.BackupPath} (revision {contents.Revision}, {contents.Keys} keys)" +
                (plan.ReplacesExisting ? ", replacing the database there" : "");
            if (!ShouldProcess(plan.DatabasePath, action))
            {
                WriteProgress(new ProgressRecord(1, "Restore-K3sDatastore", "Not restored") { RecordType = ProgressRecordType.Completed });
                return;
            }
            var restored = Wait(progress, Task.Run(() => RestoreDatabase.ApplyAsync(plan, progress, stopping.Token)));
            WriteProgress(new ProgressRecord(1, "Restore-K3sDatastore", "Done") { RecordType = ProgressRecordType.Completed });
            if (PassThru)
                WriteObject(restored);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Ctrl+C: nothing was replaced, and the partial file has been removed.
        }
        catch (Exception e) when (BackupErrors.Record(e) is { } record)
        {
            ThrowTerminatingError(record);
        }
    }

    private T Wait<T>(BackupProgress progress, Task<T> work) =>
        progress.Wait(work, (status, percent) =>
            WriteProgress(new ProgressRecord(1, "Restore-K3sDatastore", status) { PercentComplete = percent }));
}
