using K3s.Kine.Tests.Servers;
using Xunit.Abstractions;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>The suite against real etcd 3.4: the reference every other target is held to.</summary>
public sealed class EtcdApiOnEtcd(EtcdTarget target, ITestOutputHelper output)
    : EtcdApiSuite(target, output), IClassFixture<EtcdTarget>;

/// <summary>The suite against K3s.Kine on SQLite in a temporary directory.</summary>
public sealed class EtcdApiOnKineSqlite(KineSqliteTarget target, ITestOutputHelper output)
    : EtcdApiSuite(target, output), IClassFixture<KineSqliteTarget>;

/// <summary>The suite against K3s.Kine on a database of its own on the shared PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class EtcdApiOnKinePostgres(KinePostgresTarget target, ITestOutputHelper output)
    : EtcdApiSuite(target, output), IClassFixture<KinePostgresTarget>;

/// <summary>The suite against K3s.Kine on a database of its own on the shared MariaDB server.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class EtcdApiOnKineMariaDb(KineMariaDbTarget target, ITestOutputHelper output)
    : EtcdApiSuite(target, output), IClassFixture<KineMariaDbTarget>;
