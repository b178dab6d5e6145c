using K3s.Kine.Server;
using K3s.Kine.Sql;
using K3s.Kine.Tests.Servers;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>
/// Real etcd 3.4, the reference. Not the run's shared <see cref="EtcdFixture"/> server: this one needs
/// progress notifications every second, and the suite's compaction would take history from other tests.
/// </summary>
public sealed class EtcdTarget : EtcdApiTarget
{
    public override Flavor Flavor => Flavor.Etcd;

    public override IReadOnlySet<KnownDifference> Differences { get; } = new HashSet<KnownDifference>();

    protected override async Task<Instance> StartAsync(string name)
    {
        var server = await EtcdServer.StartAsync(
            $"--experimental-watch-progress-notify-interval={(int)ProgressNotifyInterval.TotalSeconds}s");
        var channel = Connect(server.Endpoint);
        return new Instance(channel, server.Endpoint, () =>
        {
            channel.Dispose();
            server.Dispose();
            return ValueTask.CompletedTask;
        });
    }
}

/// <summary>K3s.Kine in this process: a <see cref="KineStore"/> served by a <see cref="DatastoreServer"/> on 127.0.0.1:0.</summary>
public abstract class KineTarget : EtcdApiTarget
{
    protected static readonly IReadOnlySet<KnownDifference> KineDifferences = new HashSet<KnownDifference>
    {
        KnownDifference.MultiKeyTxnTakesOneRevisionPerKey,
        KnownDifference.MultiKeyDeleteTakesOneRevisionPerKey,
        KnownDifference.LeaseRevokeTakesOneRevisionPerKey,
        KnownDifference.VersionCountsRetainedRevisions,
        KnownDifference.KeysMustBeUtf8,
        KnownDifference.KeysCannotContainNul,
        KnownDifference.LeaseIdsBelow2Pow31,
    };

    private readonly TemporaryDirectory dataDir = new();
    private readonly ServerLog serverLog = new();

    public override Flavor Flavor => Flavor.Kine;

    public override IReadOnlySet<KnownDifference> Differences => KineDifferences;

    /// <summary>kine's defaults, except progress notifications as often as the etcd target's; no automatic compaction.</summary>
    protected static KineOptions Options { get; } = new()
    {
        ProgressNotifyInterval = ProgressNotifyInterval,
        CompactInterval = TimeSpan.Zero,
    };

    /// <summary>A datastore endpoint of a fresh database (kine creates it).</summary>
    protected abstract string NewEndpoint(string name, string dataDirectory);

    protected override async Task<Instance> StartAsync(string name)
    {
        var endpoint = DatastoreEndpoint.Parse(NewEndpoint(name, dataDir.Path), dataDir.Path);
        var store = await KineStore.OpenAsync(endpoint, Options, serverLog);
        DatastoreServer server;
        try
        {
            server = await DatastoreServer.StartAsync(store, ["127.0.0.1:0"], serverLog);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        var address = server.Addresses.Single(address => address.StartsWith("http://", StringComparison.Ordinal));
        var channel = Connect(address);
        return new Instance(channel, address, async () =>
        {
            channel.Dispose();
            await server.DisposeAsync();
            await store.DisposeAsync();
        });
    }

    public override List<string> DrainServerLog() => serverLog.Drain();

    protected override void Stopped() => dataDir.Dispose();
}

public sealed class KineSqliteTarget : KineTarget
{
    public override DatabaseKind? Database => DatabaseKind.Sqlite;

    protected override string NewEndpoint(string name, string dataDirectory) =>
        $"sqlite://{Path.Combine(dataDirectory, name, "state.db")}";
}

/// <summary>A database of its own on the run's shared PostgreSQL server.</summary>
public sealed class KinePostgresTarget(PostgresFixture postgres) : KineTarget
{
    public override DatabaseKind? Database => DatabaseKind.Postgres;

    protected override string NewEndpoint(string name, string dataDirectory) =>
        postgres.Server.Endpoint(PostgresServer.NewDatabaseName($"etcdapi_{name}"));
}

/// <summary>A database of its own on the run's shared MariaDB server.</summary>
public sealed class KineMariaDbTarget(MariaDbFixture mariaDb) : KineTarget
{
    private static readonly IReadOnlySet<KnownDifference> MariaDbDifferences = new HashSet<KnownDifference>(
        KineDifferences.Append(KnownDifference.MySqlKeysAreAsciiCaseInsensitive));

    public override DatabaseKind? Database => DatabaseKind.MySql;

    public override IReadOnlySet<KnownDifference> Differences => MariaDbDifferences;

    protected override string NewEndpoint(string name, string dataDirectory) =>
        mariaDb.Server.Endpoint(MariaDbServer.NewDatabaseName($"etcdapi_{name}"));
}
