using Grpc.Core;
using Grpc.Net.Client;
using K3s.Core.Etcd;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Datastore;

/// <summary>
/// A running server (a K3sPs or k3s kine.sock, `k3sps datastore`, real etcd) compacted through
/// etcd's Compact, a batch of revisions per call so that progress shows. The server keeps the
/// database open, so VACUUM is refused; the WAL of the server's state.db, when its data dir says
/// where that is, is checkpointed from here (SQLite lets any process do that safely).
/// </summary>
public sealed class CompactableEtcdEndpoint : CompactableDatastore
{
    private readonly GrpcChannel channel;
    private readonly KV.KVClient kv;
    private readonly string? serverDatabase;

    internal CompactableEtcdEndpoint(EtcdDatastoreReader reader, string? serverDatabase) : base(reader)
    {
        channel = EtcdChannel.For(reader.Source);
        kv = new KV.KVClient(channel);
        this.serverDatabase = serverDatabase is not null && File.Exists(serverDatabase) ? Path.GetFullPath(serverDatabase) : null;
    }

    public override string? DatabaseFile => serverDatabase;

    public override string VacuumRefusal =>
        $"{Source} is a running server, and VACUUM needs the database to itself: stop the server and run " +
        "Optimize-K3sDatastore -DataDir (or -Path on its state.db) -Vacuum, or run Optimize-K3sDatastore -Path -Vacuum on a copy of the database.";

    protected override Task<CompactionPlan> PlanAsync(long current, long compact, long target, CancellationToken cancellationToken) =>
        CompactionPlan.FromHistoryAsync(Reader, current, compact, target, cancellationToken);

    public override async Task<long?> CompactBatchAsync(long from, long to, CancellationToken cancellationToken)
    {
        try
        {
            await kv.CompactAsync(new CompactionRequest { Revision = to, Physical = true }, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange && e.Status.Detail.Contains("compacted", StringComparison.Ordinal))
        {
            // Another compactor (the server's own) got there first: the revision is compacted all the same.
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new DatastoreAccessException(DatastoreAccessException.Unreachable, $"{Source}: cannot reach the datastore ({e.Status.Detail})", e);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new DatastoreAccessException(WriteFailed, $"{Source}: compacting to revision {to} failed ({e.Status.Detail})", e);
        }
        return null; // etcd's Compact does not say how much it removed
    }

    public override Task<bool?> CheckpointAsync(CancellationToken cancellationToken)
    {
        if (serverDatabase is null)
            return Task.FromResult<bool?>(null);
        // Short waits: the server's own readers and writers come first.
        using var connection = CompactableSqliteFile.OpenConnection(serverDatabase, SqliteOpenMode.ReadWrite, busyTimeoutSeconds: 5);
        try
        {
            return Task.FromResult<bool?>(CompactableSqliteFile.Checkpoint(connection));
        }
        catch (SqliteException e)
        {
            throw new DatastoreAccessException(WriteFailed, $"{serverDatabase}: {e.Message}", e);
        }
    }

    public override Task VacuumAsync(CancellationToken cancellationToken) =>
        throw new DatastoreAccessException(VacuumNeedsStoppedServer, VacuumRefusal);

    public override async ValueTask DisposeAsync()
    {
        channel.Dispose();
        await base.DisposeAsync();
    }
}
