namespace K3s.ApiServer.Tests;

/// <summary>A fresh namespace name per test, so tests sharing a server never see each other's objects.</summary>
internal static class Namespaces
{
    public static string Fresh() => "t-" + Guid.NewGuid().ToString("N")[..10];
}
