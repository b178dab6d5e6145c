using System.Data.Common;
using System.Threading.Channels;
using Google.Protobuf;
using K3s.Core.Etcd;
using K3s.Kine.Leases;
using K3s.Kine.Sql;
using K3s.Kine.Store;
using K3s.Kine.Watch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace K3s.Kine;

/// <summary>
/// The datastore: etcd's API over a kine log in SQLite, PostgreSQL or MySQL. Reads run on pooled
/// sessions in their own snapshot; writes go through one <see cref="IWriteExecutor"/> and wake
/// the log poller, which feeds every watch.
/// </summary>
public sealed class KineStore : IEtcdStore, IAsyncDisposable
{
    /// <summary>The etcd version reported by Status, as kine emulates it.</summary>
    public const string EmulatedEtcdVersion = "3.5.13";

    private readonly SqlDialect dialect;
    private readonly SqlLog log;
    private readonly RangeReader reader;
    private readonly TxnExecutor executor;
    private readonly IWriteExecutor writer;
    private readonly WatchHub hub;
    private readonly LogPoller poller;
    private readonly Compactor compactor;
    private readonly LeaseManager leases;
    private readonly KineOptions options;

    private KineStore(SqlDialect dialect, KineOptions options, long startRevision, ILoggerFactory loggers)
    {
        this.dialect = dialect;
        this.options = options;
        log = new SqlLog(dialect);
        reader = new RangeReader(log);
        executor = new TxnExecutor(log, reader);
        hub = new WatchHub(startRevision);
        LogPoller? pollerForWriter = null;
        Action<IReadOnlyList<KineRow>> committed = rows => pollerForWriter?.Committed(rows);
        writer = dialect.HasSingleWriter ? new GroupCommitWriter(dialect, committed) : new TransactionalWriter(dialect, committed);
        poller = pollerForWriter = new LogPoller(log, writer, hub, startRevision, options.PollInterval, loggers.CreateLogger<LogPoller>());
        compactor = new Compactor(log, writer, options, loggers.CreateLogger<Compactor>());
        leases = new LeaseManager(log, writer, executor, options, TimeProvider.System, loggers.CreateLogger<LeaseManager>());
    }

    public DatastoreEndpoint Endpoint => dialect.Endpoint;

    /// <summary>Opens (creating if needed) the datastore at an endpoint.</summary>
    public static async Task<KineStore> OpenAsync(DatastoreEndpoint endpoint, KineOptions? options = null,
        ILoggerFactory? loggers = null, CancellationToken cancellationToken = default)
    {
        var dialect = SqlDialect.For(endpoint);
        try
        {
            await dialect.PrepareAsync(cancellationToken);
            long current;
            using (var session = dialect.OpenSession())
            {
                LeaseTable.Create(session);
                var log = new SqlLog(dialect);
                await using var transaction = await session.Connection.BeginTransactionAsync(cancellationToken);
                log.EnsureCompactRevisionRow(session, transaction);
                current = log.Revisions(session, transaction).Current;
                await transaction.CommitAsync(cancellationToken);
            }
            var store = new KineStore(dialect, options ?? new KineOptions(), current, loggers ?? NullLoggerFactory.Instance);
            await store.leases.RenewAllAsync(cancellationToken);
            return store;
        }
        catch (DbException e)
        {
            await dialect.DisposeAsync();
            throw new DatastoreException($"{endpoint}: {e.Message}", e);
        }
        catch
        {
            await dialect.DisposeAsync();
            throw;
        }
    }

    public long WatchedRevision => hub.LastRevision;

    public Task<RangeResponse> RangeAsync(RangeRequest request, CancellationToken cancellationToken = default) =>
        ReadAsync(scope =>
        {
            var (current, compact) = log.Revisions(scope.Session, scope.Transaction);
            return reader.Range(scope, request, current, compact);
        }, cancellationToken);

    public Task<PutResponse> PutAsync(PutRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync(request, executor.Put, cancellationToken);

    public Task<DeleteRangeResponse> DeleteRangeAsync(DeleteRangeRequest request, CancellationToken cancellationToken = default) =>
        WriteAsync(request, executor.DeleteRange, cancellationToken);

    public Task<TxnResponse> TxnAsync(TxnRequest request, CancellationToken cancellationToken = default)
    {
        TxnValidation.Check(request);
        return WriteAsync(request, executor.Txn, cancellationToken);
    }

    public async Task<CompactionResponse> CompactAsync(CompactionRequest request, CancellationToken cancellationToken = default)
    {
        var current = await compactor.CompactAsync(request.Revision, cancellationToken);
        return new CompactionResponse { Header = Headers.At(current) };
    }

    /// <summary>Compacts up to a revision without etcd's checks on it; the rows removed.</summary>
    public Task<long> CompactToAsync(long revision, CancellationToken cancellationToken = default) =>
        compactor.CompactToAsync(revision, cancellationToken);

    public async Task<IEtcdWatch> WatchAsync(long watchId, WatchCreateRequest request, ChannelWriter<WatchResponse> output,
        CancellationToken cancellationToken = default)
    {
        var key = request.Key.IsEmpty ? ByteString.CopyFrom(0) : request.Key;
        var range = KeyCodec.Range(key, request.RangeEnd);
        // "From now" is from the committed revision, which the poller may not have published yet.
        var (current, compact) = ReadRevisions();
        var start = request.StartRevision > 0 ? request.StartRevision : current + 1;
        await output.WriteAsync(new WatchResponse { WatchId = watchId, Created = true, Header = Headers.At(current) }, cancellationToken);
        var watch = new KineWatch(watchId, request, start, range, hub, ReadHistory, output, options.ProgressNotifyInterval);
        return new RunningWatch(watch, compact);
    }

    public Task<LeaseGrantResponse> LeaseGrantAsync(LeaseGrantRequest request, CancellationToken cancellationToken = default) =>
        leases.GrantAsync(request, cancellationToken);

    public Task<LeaseRevokeResponse> LeaseRevokeAsync(LeaseRevokeRequest request, CancellationToken cancellationToken = default) =>
        leases.RevokeAsync(request, cancellationToken);

    public Task<LeaseKeepAliveResponse> LeaseKeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken cancellationToken = default) =>
        leases.KeepAliveAsync(request, cancellationToken);

    public Task<LeaseTimeToLiveResponse> LeaseTimeToLiveAsync(LeaseTimeToLiveRequest request, CancellationToken cancellationToken = default) =>
        ReadAsync(scope => leases.TimeToLive(scope, request), cancellationToken);

    public Task<LeaseLeasesResponse> LeaseLeasesAsync(LeaseLeasesRequest request, CancellationToken cancellationToken = default) =>
        ReadAsync(leases.Leases, cancellationToken);

    public Task<StatusResponse> StatusAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(scope =>
        {
            var (current, _) = log.Revisions(scope.Session, scope.Transaction);
            var size = log.DatabaseSize(scope.Session, scope.Transaction);
            return new StatusResponse
            {
                Header = Headers.At(current),
                Version = EmulatedEtcdVersion,
                DbSize = size,
                DbSizeInUse = size,
                Leader = Headers.MemberId,
                RaftIndex = (ulong)current,
                RaftTerm = 1,
                RaftAppliedIndex = (ulong)current,
            };
        }, cancellationToken);

    private async Task<TResponse> WriteAsync<TRequest, TResponse>(TRequest request, Func<WriteScope, TRequest, TResponse> work,
        CancellationToken cancellationToken) where TRequest : IMessage
    {
        // etcd refuses a write whose request exceeds --max-request-bytes.
        if (request.CalculateSize() > EtcdErrors.MaxRequestBytes)
            throw EtcdErrors.RequestTooLarge();
        return await writer.WriteAsync(sql => work(new WriteScope(sql, log), request), cancellationToken);
    }

    /// <summary>Runs a read in one snapshot of the database.</summary>
    private async Task<T> ReadAsync<T>(Func<SqlScope, T> read, CancellationToken cancellationToken)
    {
        using var session = dialect.OpenSession();
        await using var transaction = dialect.BeginRead(session);
        cancellationToken.ThrowIfCancellationRequested();
        return read(new SqlScope(session, transaction));
    }

    private (long Current, long Compact) ReadRevisions()
    {
        using var session = dialect.OpenSession();
        return log.Revisions(session, null);
    }

    private (List<KineRow> Rows, long Compact) ReadHistory(KeyRange range, long from, long to, int limit)
    {
        using var session = dialect.OpenSession();
        using var transaction = dialect.BeginRead(session);
        var (_, compact) = log.Revisions(session, transaction);
        return (log.History(session, transaction, range, from, to, limit), compact);
    }

    public async ValueTask DisposeAsync()
    {
        // Whoever writes goes first; the writer then commits what is queued (telling the poller) and stops.
        await leases.DisposeAsync();
        await compactor.DisposeAsync();
        await writer.DisposeAsync();
        await poller.DisposeAsync();
        await dialect.DisposeAsync();
    }

    /// <summary>A watch running on the thread pool until disposed.</summary>
    private sealed class RunningWatch : IEtcdWatch
    {
        private readonly KineWatch watch;
        private readonly CancellationTokenSource stop = new();
        private readonly Task running;

        public RunningWatch(KineWatch watch, long compactRevision)
        {
            this.watch = watch;
            running = Task.Run(() => watch.RunAsync(compactRevision, stop.Token));
        }

        public long WatchId => watch.WatchId;

        public long SyncedRevision => watch.SyncedRevision;

        private int disposed;

        /// <summary>Stops the watch; a second call (its owner and a cleanup racing) does nothing.</summary>
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1)
                return;
            await stop.CancelAsync();
            try
            {
                await running;
            }
            catch (OperationCanceledException)
            {
                // Stopped, as asked.
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                // The stream it wrote to has ended.
            }
            stop.Dispose();
        }
    }
}
