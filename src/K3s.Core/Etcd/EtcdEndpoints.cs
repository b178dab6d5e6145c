namespace K3s.Core.Etcd;

/// <summary>
/// A <c>--datastore-endpoint</c> that names etcd, as k3s takes it: one or more comma-separated
/// <c>http://host:port</c> or <c>https://host:port</c> client URLs.
/// </summary>
public static class EtcdEndpoints
{
    /// <summary>Whether an endpoint names etcd rather than a database kine stores in.</summary>
    public static bool Names(string? endpoint) =>
        endpoint is not null && (endpoint.TrimStart().StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || endpoint.TrimStart().StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    public static IReadOnlyList<Uri> Parse(string endpoint)
    {
        var urls = new List<Uri>();
        foreach (var part in endpoint.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
                throw new FormatException($"invalid etcd endpoint '{part}': expected http://host:port or https://host:port");
            urls.Add(uri);
        }
        return urls.Count > 0 ? urls : throw new FormatException("no etcd endpoint given");
    }
}
