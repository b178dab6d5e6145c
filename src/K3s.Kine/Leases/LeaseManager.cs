using K3s.Core.Etcd;
using K3s.Kine.Sql;
using K3s.Kine.Store;
using Microsoft.Extensions.Logging;

namespace K3s.Kine.Leases;

/// <summary>
/// etcd's leases over <see cref="LeaseTable"/>: grant, revoke (deleting the keys attached), keep
/// alive, time to live, list; and expiry, which revokes a lease whose TTL ran out.
/// </summary>
internal sealed class LeaseManager : IAsyncDisposable
{
    /// <summary>etcd's largest TTL.</summary>
    private const long MaxTtlSeconds = 9_000_000_000;

    private readonly SqlLog log;
    private readonly IWriteExecutor writer;
    private readonly TxnExecutor executor;
    private readonly KineOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider clock;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task expiry;

    public LeaseManager(SqlLog log, IWriteExecutor writer, TxnExecutor executor, KineOptions options, TimeProvider clock, ILogger logger)
    {
        this.log = log;
        this.writer = writer;
        this.executor = executor;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        expiry = Task.Run(ExpireAsync);
    }

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<LeaseGrantResponse> GrantAsync(LeaseGrantRequest request, CancellationToken cancellationToken)
    {
        if (request.TTL > MaxTtlSeconds)
            throw EtcdErrors.LeaseTtlTooLarge();
        if (request.ID < 0 || request.ID > int.MaxValue)
            throw EtcdErrors.Error(Grpc.Core.StatusCode.InvalidArgument,
                "k3sps: lease ids must be between 1 and 2147483647 (kine's lease column is a 32-bit INTEGER)");
        var ttl = Math.Max(request.TTL, options.MinLeaseTtlSeconds);
        return writer.WriteAsync(scope =>
        {
            var id = request.ID;
            if (id != 0)
            {
                if (!LeaseTable.TryInsert(scope.Session, scope.Transaction, log.Dialect, id, ttl, Now + ttl * 1000))
                    throw EtcdErrors.LeaseExists();
            }
            else
            {
                do
                    id = Random.Shared.Next(1, int.MaxValue);
                while (!LeaseTable.TryInsert(scope.Session, scope.Transaction, log.Dialect, id, ttl, Now + ttl * 1000));
            }
            var (current, _) = log.Revisions(scope.Session, scope.Transaction);
            return new LeaseGrantResponse { Header = Headers.At(current), ID = id, TTL = ttl };
        }, cancellationToken);
    }

    public Task<LeaseRevokeResponse> RevokeAsync(LeaseRevokeRequest request, CancellationToken cancellationToken) =>
        writer.WriteAsync(scope =>
        {
            var revision = Revoke(scope, request.ID) ?? throw EtcdErrors.LeaseNotFound();
            return new LeaseRevokeResponse { Header = Headers.At(revision) };
        }, cancellationToken);

    /// <summary>An unknown or expired lease is not an error: its TTL is 0, as in etcd.</summary>
    public Task<LeaseKeepAliveResponse> KeepAliveAsync(LeaseKeepAliveRequest request, CancellationToken cancellationToken) =>
        writer.WriteAsync(scope =>
        {
            var renewed = LeaseTable.Renew(scope.Session, scope.Transaction, request.ID, Now);
            var lease = renewed ? LeaseTable.Find(scope.Session, scope.Transaction, request.ID) : null;
            var (current, _) = log.Revisions(scope.Session, scope.Transaction);
            return new LeaseKeepAliveResponse { Header = Headers.At(current), ID = request.ID, TTL = lease?.Ttl ?? 0 };
        }, cancellationToken);

    /// <summary>An unknown lease has TTL -1, as in etcd.</summary>
    public LeaseTimeToLiveResponse TimeToLive(SqlScope scope, LeaseTimeToLiveRequest request)
    {
        var (current, _) = log.Revisions(scope.Session, scope.Transaction);
        var response = new LeaseTimeToLiveResponse { Header = Headers.At(current), ID = request.ID, TTL = -1 };
        if (LeaseTable.Find(scope.Session, scope.Transaction, request.ID) is not { } lease)
            return response;
        response.GrantedTTL = lease.Ttl;
        response.TTL = Math.Max(0, (long)Math.Ceiling((lease.ExpiresAt - Now) / 1000.0));
        if (request.Keys)
            response.Keys.AddRange(log.LiveWithLease(scope.Session, scope.Transaction, request.ID, current).Select(row => KeyCodec.Encode(row.Name)));
        return response;
    }

    public LeaseLeasesResponse Leases(SqlScope scope)
    {
        var (current, _) = log.Revisions(scope.Session, scope.Transaction);
        var response = new LeaseLeasesResponse { Header = Headers.At(current) };
        response.Leases.AddRange(LeaseTable.Ids(scope.Session, scope.Transaction).Select(id => new LeaseStatus { ID = id }));
        return response;
    }

    /// <summary>
    /// Deletes the lease's keys and the lease; the new revision, or null if there is no such lease
    /// (or, for <paramref name="onlyIfExpiredBy"/>, if it was renewed meanwhile).
    /// </summary>
    private long? Revoke(SqlScope sql, long id, long? onlyIfExpiredBy = null)
    {
        if (onlyIfExpiredBy is { } now && !(LeaseTable.Find(sql.Session, sql.Transaction, id) is { } lease && lease.ExpiresAt <= now))
            return null;
        if (!LeaseTable.Delete(sql.Session, sql.Transaction, id))
            return null;
        var scope = new WriteScope(sql, log);
        executor.Delete(scope, log.LiveWithLease(sql.Session, sql.Transaction, id, scope.Revision));
        return scope.Revision;
    }

    /// <summary>After a restart every lease gets its full TTL again, as etcd's do when a leader starts.</summary>
    public Task RenewAllAsync(CancellationToken cancellationToken) =>
        writer.WriteAsync(scope =>
        {
            LeaseTable.RenewAll(scope.Session, scope.Transaction, Now);
            return true;
        }, cancellationToken);

    private async Task ExpireAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.LeaseCheckInterval, clock, stopping.Token);
                List<long> expired;
                using (var session = log.Dialect.OpenSession())
                    expired = LeaseTable.Ids(session, null, expiredBy: Now);
                foreach (var id in expired)
                {
                    if (await writer.WriteAsync(scope => Revoke(scope, id, onlyIfExpiredBy: Now), stopping.Token) is { } revision)
                        logger.LogDebug("lease {Lease} expired (revision {Revision})", id, revision);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "expiring leases failed; will retry");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await expiry;
        stopping.Dispose();
    }
}
