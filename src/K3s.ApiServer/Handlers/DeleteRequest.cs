using System.Globalization;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>A DELETE's options, from its DeleteOptions body or from query parameters (kubectl sends either).</summary>
public static class DeleteRequest
{
    public static DeleteOptions Options(JsonObject? body, IQueryCollection query)
    {
        var policy = JsonPaths.GetString(body, "propagationPolicy") ?? Query(query, "propagationPolicy");
        var orphan = JsonPaths.Get(body, "orphanDependents") is JsonValue flag && flag.TryGetValue<bool>(out var orphans) ? orphans
            : Query(query, "orphanDependents") is { } text && bool.TryParse(text, out var parsed) && parsed;
        var propagation = policy switch
        {
            null or "" => orphan ? Propagation.Orphan : Propagation.Background,
            "Background" => Propagation.Background,
            "Orphan" => Propagation.Orphan,
            "Foreground" => Propagation.Foreground,
            _ => throw ApiException.Invalid("DeleteOptions", "", [("propagationPolicy", $"Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"")]),
        };
        long? grace = JsonPaths.Get(body, "gracePeriodSeconds") is JsonValue seconds && seconds.TryGetValue<long>(out var fromBody) ? fromBody
            : long.TryParse(Query(query, "gracePeriodSeconds"), CultureInfo.InvariantCulture, out var fromQuery) ? fromQuery : null;
        return new DeleteOptions
        {
            ResourceVersion = JsonPaths.GetString(body, "preconditions.resourceVersion"),
            Uid = JsonPaths.GetString(body, "preconditions.uid"),
            GracePeriodSeconds = grace,
            Propagation = propagation,
        };
    }

    private static string? Query(IQueryCollection query, string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;
}
