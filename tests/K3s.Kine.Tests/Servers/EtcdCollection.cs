namespace K3s.Kine.Tests.Servers;

/// <summary>Test classes marked <c>[Collection(EtcdCollection.Name)]</c> share one <see cref="EtcdFixture"/>, hence one server.</summary>
[CollectionDefinition(Name)]
public sealed class EtcdCollection : ICollectionFixture<EtcdFixture>
{
    public const string Name = "etcd server";
}
