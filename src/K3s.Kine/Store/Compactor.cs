using K3s.Core.Etcd;
using K3s.Kine.Sql;
using Microsoft.Extensions.Logging;

namespace K3s.Kine.Store;

/// <summary>
/// Compacts the log as kine does: on a timer, up to the current revision minus a retained window,
/// a batch of revisions per transaction; and on request (etcd's Compact), up to the revision asked.
/// </summary>
internal sealed class Compactor : IAsyncDisposable
{
    private readonly SqlLog log;
    private readonly IWriteExecutor writer;
    private readonly KineOptions options;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task? loop;
    private readonly SemaphoreSlim oneAtATime = new(1, 1);

    public Compactor(SqlLog log, IWriteExecutor writer, KineOptions options, ILogger logger)
    {
        this.log = log;
        this.writer = writer;
        this.options = options;
        this.logger = logger;
        if (options.CompactInterval > TimeSpan.Zero)
            loop = Task.Run(RunAsync);
    }

    /// <summary>etcd's Compact: a revision at or below the compact revision, or above the current one, is an error.</summary>
    public async Task<long> CompactAsync(long revision, CancellationToken cancellationToken)
    {
        var (current, compact) = await writer.WriteAsync(scope => log.Revisions(scope.Session, scope.Transaction), cancellationToken);
        if (revision <= compact)
            throw EtcdErrors.Compacted();
        if (revision > current)
            throw EtcdErrors.FutureRevision();
        await CompactToAsync(revision, cancellationToken);
        return current;
    }

    /// <summary>Rows removed; compacts in batches and stops early if another server compacted past us.</summary>
    public async Task<long> CompactToAsync(long target, CancellationToken cancellationToken)
    {
        await oneAtATime.WaitAsync(cancellationToken);
        try
        {
            long removed = 0;
            while (true)
            {
                var batch = await writer.WriteAsync(scope =>
                {
                    var (_, compact) = log.Revisions(scope.Session, scope.Transaction);
                    if (compact >= target)
                        return (Removed: 0L, Done: true);
                    var upTo = Math.Min(target, compact + options.CompactBatchSize);
                    return (Removed: log.Compact(scope.Session, scope.Transaction, compact, upTo), Done: upTo >= target);
                }, cancellationToken);
                removed += batch.Removed;
                if (batch.Done)
                    break;
            }
            using (var session = log.Dialect.OpenSession())
                log.Dialect.AfterCompaction(session);
            return removed;
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private async Task RunAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CompactInterval, stopping.Token);
                var (current, compact) = await writer.WriteAsync(scope => log.Revisions(scope.Session, scope.Transaction), stopping.Token);
                var target = current - options.CompactMinRetain;
                if (target > compact)
                {
                    var removed = await CompactToAsync(target, stopping.Token);
                    logger.LogInformation("compacted the datastore to revision {Revision}: {Rows} rows removed", target, removed);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "compacting the datastore failed; will retry");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null)
            await loop;
        stopping.Dispose();
    }
}
