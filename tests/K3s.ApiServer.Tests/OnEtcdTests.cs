namespace K3s.ApiServer.Tests;

// The API server's behaviour on a real etcd: the same tests as on K3s.Kine, each class with an etcd of its own.

public sealed class ConfigMapTestsOnEtcd(EtcdApiServerFixture server) : ConfigMapTests<EtcdApiServerFixture>(server);

public sealed class ListAndWatchTestsOnEtcd(EtcdApiServerFixture server) : ListAndWatchTests<EtcdApiServerFixture>(server);

public sealed class WorkloadTestsOnEtcd(EtcdApiServerFixture server) : WorkloadTests<EtcdApiServerFixture>(server);
