namespace K3s.Kine.Tests.Servers;

/// <summary>Test classes marked <c>[Collection(MariaDbCollection.Name)]</c> share one <see cref="MariaDbFixture"/>, hence one server.</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbFixture>
{
    public const string Name = "mariadb server";
}
