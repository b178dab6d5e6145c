namespace K3s.ApiServer.Tests;

/// <summary>A fresh namespace name per test, so tests sharing a server never see each other's objects.</summary>
internal static class Namespaces
{
    public static string Fresh() => "t-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Creates a fresh namespace and returns its name.</summary>
    public static async Task<string> CreateAsync(k8s.Kubernetes client)
    {
        var name = Fresh();
        await k8s.CoreV1OperationsExtensions.CreateNamespaceAsync(client.CoreV1, new k8s.Models.V1Namespace { Metadata = new k8s.Models.V1ObjectMeta { Name = name } });
        return name;
    }
}
