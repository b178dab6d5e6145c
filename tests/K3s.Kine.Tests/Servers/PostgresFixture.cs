namespace K3s.Kine.Tests.Servers;

/// <summary>The run's shared <see cref="PostgresServer"/>; see <see cref="SharedServerFixture{TServer}"/>.</summary>
public sealed class PostgresFixture() : SharedServerFixture<PostgresServer>(Shared)
{
    private static readonly SharedServer<PostgresServer> Shared = new(() => PostgresServer.StartAsync());
}
