namespace K3s.Kine.Tests.Servers;

/// <summary>The run's shared <see cref="EtcdServer"/>; see <see cref="SharedServerFixture{TServer}"/>.</summary>
public sealed class EtcdFixture() : SharedServerFixture<EtcdServer>(Shared)
{
    private static readonly SharedServer<EtcdServer> Shared = new(() => EtcdServer.StartAsync());
}
