namespace K3s.Kine.Tests.Servers;

/// <summary>The run's shared <see cref="MariaDbServer"/>; see <see cref="SharedServerFixture{TServer}"/>.</summary>
public sealed class MariaDbFixture() : SharedServerFixture<MariaDbServer>(Shared)
{
    private static readonly SharedServer<MariaDbServer> Shared = new(() => MariaDbServer.StartAsync());
}
