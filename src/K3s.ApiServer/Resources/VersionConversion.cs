using System.Text.Json.Nodes;

namespace K3s.ApiServer.Resources;

/// <summary>
/// Converts between the version a kind is served in and the version its objects are stored in, so
/// two versions of a kind share one key prefix (as upstream stores one internal form for both).
/// </summary>
public sealed record VersionConversion(string StoredApiVersion, Func<JsonObject, JsonObject> ToStored, Func<JsonObject, JsonObject> FromStored)
{
    /// <summary>Versions that differ only in their name (a custom resource's versions with strategy None).</summary>
    public static VersionConversion Renaming(string storedApiVersion, string servedApiVersion) =>
        new(storedApiVersion, item => WithApiVersion(item, storedApiVersion), item => WithApiVersion(item, servedApiVersion));

    /// <summary>Moves fields from one name to another (dotted paths), both ways.</summary>
    public static VersionConversion Renaming(string storedApiVersion, string servedApiVersion, IReadOnlyList<(string Stored, string Served)> fields) =>
        new(storedApiVersion,
            item => Move(WithApiVersion(item, storedApiVersion), fields.Select(f => (f.Served, f.Stored))),
            item => Move(WithApiVersion(item, servedApiVersion), fields.Select(f => (f.Stored, f.Served))));

    private static JsonObject WithApiVersion(JsonObject item, string apiVersion)
    {
        item["apiVersion"] = apiVersion;
        return item;
    }

    private static JsonObject Move(JsonObject item, IEnumerable<(string From, string To)> fields)
    {
        foreach (var (from, to) in fields)
        {
            if (item[from] is not { } value)
                continue;
            item.Remove(from);
            item[to] = value;
        }
        return item;
    }
}
