namespace K3s.ApiServer.Handlers;

/// <summary>
/// What a resource request's path names, in Kubernetes' URL grammar:
/// <c>/api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE]]</c> and the same under <c>/apis/GROUP/VERSION</c>.
/// </summary>
public sealed record RequestTarget(string Group, string Version, string? Namespace, string Resource, string? Name, string? Subresource)
{
    /// <summary>Parses the segments after /api or /apis; null if they name no resource.</summary>
    public static RequestTarget? Parse(bool core, IReadOnlyList<string> segments)
    {
        var (group, rest) = core ? ("", segments) : (segments.Count > 0 ? segments[0] : "", segments.Skip(1).ToList());
        if (rest.Count < 2)
            return null;
        var version = rest[0];
        var path = rest.Skip(1).ToList();
        string? @namespace = null;
        // "namespaces/NS/RESOURCE…" scopes to a namespace; "namespaces[/NS[/status|/finalize]]" is the namespace itself.
        if (path.Count >= 3 && path[0] == "namespaces" && !(path.Count == 3 && path[2] is "status" or "finalize"))
        {
            @namespace = path[1];
            path = path.Skip(2).ToList();
        }
        return path.Count switch
        {
            1 => new RequestTarget(group, version, @namespace, path[0], null, null),
            2 => new RequestTarget(group, version, @namespace, path[0], path[1], null),
            3 => new RequestTarget(group, version, @namespace, path[0], path[1], path[2]),
            _ => null,
        };
    }
}
