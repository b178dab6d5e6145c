using System.Globalization;
using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>
/// Compacts a datastore up to a revision (kine's rule), checkpoints its SQLite WAL and, with
/// -Vacuum, gives the freed pages back to the file system; reports rows and bytes before and after.
/// </summary>
[Cmdlet(VerbsCommon.Optimize, "K3sDatastore", DefaultParameterSetName = DataDirSet,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OptimizationReport))]
public sealed class OptimizeK3sDatastoreCommand : DatastoreCmdlet
{
    private const int ProgressId = 1;
    private const string Activity = "Optimize-K3sDatastore";

    /// <summary>The compact revision to reach; by default the current revision minus the 1000 revisions kine keeps.</summary>
    [Parameter(Position = 0)]
    [ValidateRange(1, long.MaxValue)]
    public long Revision { get; set; }

    /// <summary>Rewrites the database file without its free pages; needs the server stopped.</summary>
    [Parameter]
    public SwitchParameter Vacuum { get; set; }

    protected override void EndProcessing()
    {
        var datastore = OpenDatastore();
        try
        {
            Optimize(datastore);
        }
        catch (Exception) when (Cancellation.IsCancellationRequested)
        {
            // Ctrl+C (a gRPC call ends with Cancelled, not OperationCanceledException): every batch
            // done so far is committed, with the compact revision it reached.
        }
        finally
        {
            datastore.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private CompactableDatastore OpenDatastore()
    {
        var reader = OpenReader();
        try
        {
            return CompactableDatastore.For(reader, ParameterSetName == DataDirSet ? DatastoreSource.DatabaseOf(GetUnresolvedProviderPathFromPSPath(DataDir)) : null);
        }
        catch (DatastoreAccessException e)
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId, ErrorCategory.OpenError, reader.Source));
            throw;
        }
    }

    private void Optimize(CompactableDatastore datastore)
    {
        if (Vacuum && datastore.VacuumRefusal is { } refusal)
        {
            ThrowTerminatingError(new ErrorRecord(new DatastoreAccessException(CompactableDatastore.VacuumNeedsStoppedServer, refusal),
                CompactableDatastore.VacuumNeedsStoppedServer, ErrorCategory.ResourceBusy, datastore.Source));
        }
        WriteProgress(new ProgressRecord(ProgressId, Activity, $"Working out what compaction removes from {datastore.Source}"));
        var plan = Wait(token => datastore.PlanAsync(Revision, token));
        if (plan.IsNothingToDo)
            WriteWarning(plan.NothingToDoReason);
        var file = datastore.DatabaseFile is not null;
        if (!ShouldProcess(Describe(plan, file), Confirmation(plan, file), Activity))
        {
            Completed();
            return;
        }

        var before = Wait(token => DatastoreStatistics.SummarizeAsync(datastore.Reader, token));
        var sizesBefore = datastore.FileSizes();
        long? removed = datastore is CompactableSqliteFile ? 0 : null;
        foreach (var (from, to) in plan.Batches())
        {
            WriteProgress(new ProgressRecord(ProgressId, Activity, $"Compacting {datastore.Source} to revision {plan.TargetRevision}")
            {
                CurrentOperation = $"revisions {from + 1} to {to}",
                PercentComplete = (int)((from - plan.CompactRevision) * 100 / (plan.TargetRevision - plan.CompactRevision)),
            });
            removed += Change(token => datastore.CompactBatchAsync(from, to, token));
        }
        if (Vacuum)
        {
            WriteProgress(new ProgressRecord(ProgressId, Activity, $"Vacuuming {datastore.DatabaseFile}"));
            Change(async token =>
            {
                await datastore.VacuumAsync(token);
                return true;
            });
        }
        var checkpointed = Checkpoint(datastore);
        var after = Wait(token => DatastoreStatistics.SummarizeAsync(datastore.Reader, token));
        Completed();
        WriteObject(OptimizationReport.Create(datastore, before, sizesBefore, after, datastore.FileSizes(), removed, checkpointed, Vacuum));
    }

    /// <summary>The WAL checkpoint; a failure is a warning, as the compaction before it is done and reported.</summary>
    private bool? Checkpoint(CompactableDatastore datastore)
    {
        if (datastore.DatabaseFile is null)
            return null;
        WriteProgress(new ProgressRecord(ProgressId, Activity, $"Checkpointing the WAL of {datastore.DatabaseFile}"));
        try
        {
            var checkpointed = datastore.CheckpointAsync(Cancellation).GetAwaiter().GetResult();
            if (checkpointed == false)
                WriteWarning($"{datastore.DatabaseFile}: readers kept the WAL checkpoint from finishing; the WAL shrinks at a later checkpoint.");
            return checkpointed;
        }
        catch (DatastoreAccessException e) when (e.ErrorId == CompactableDatastore.WriteFailed)
        {
            WriteWarning($"The WAL checkpoint failed: {e.Message}");
            return false;
        }
    }

    /// <summary>Waits for a change; a refused write is a WriteError, other datastore errors as the base class reports them.</summary>
    private T Change<T>(Func<CancellationToken, Task<T>> work)
    {
        try
        {
            return work(Cancellation).GetAwaiter().GetResult();
        }
        catch (DatastoreAccessException e) when (e.ErrorId is CompactableDatastore.WriteFailed or CompactableDatastore.VacuumNeedsStoppedServer)
        {
            ThrowTerminatingError(new ErrorRecord(e, e.ErrorId,
                e.ErrorId == CompactableDatastore.WriteFailed ? ErrorCategory.WriteError : ErrorCategory.ResourceBusy, null));
            throw;
        }
        catch (DatastoreAccessException e)
        {
            ThrowTerminatingError(Error(e));
            throw;
        }
    }

    private void Completed() =>
        WriteProgress(new ProgressRecord(ProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });

    /// <summary>What -WhatIf prints: exactly what would go, and what else would be done.</summary>
    private string Describe(CompactionPlan plan, bool file)
    {
        var steps = new List<string>();
        if (!plan.IsNothingToDo)
            steps.Add(plan.Describe());
        if (Vacuum)
            steps.Add("VACUUM rewrites the database file without its free pages");
        if (file)
            steps.Add("a WAL checkpoint (TRUNCATE) moves the WAL into the database file and empties it");
        if (steps.Count == 0)
            return string.Create(CultureInfo.InvariantCulture, $"Nothing to do on {plan.Source}: it is already compacted to revision {plan.CompactRevision}.");
        var text = string.Join("; then ", steps);
        return char.ToUpperInvariant(text[0]) + text[1..] + ".";
    }

    private string Confirmation(CompactionPlan plan, bool file) =>
        Describe(plan, file) + (plan.IsNothingToDo ? "" : " Revisions before the new compact revision can no longer be read.") + " Continue?";
}
