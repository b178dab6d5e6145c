namespace K3s.Controllers.Services;

/// <summary>The default --service-node-port-range, 30000-32767, that NodePort and LoadBalancer ports come from.</summary>
public static class NodePortRange
{
    public const int First = 30000;
    public const int Last = 32767;

    /// <summary>A free port, tried from a random place in the range onwards, or null when all are taken.</summary>
    public static int? Allocate(IReadOnlySet<int> used)
    {
        const int count = Last - First + 1;
        var start = Random.Shared.Next(count);
        for (var i = 0; i < count; i++)
        {
            var port = First + (start + i) % count;
            if (!used.Contains(port))
                return port;
        }
        return null;
    }
}
