using System.Globalization;
using K3s.ApiServer.Machinery;
using Microsoft.AspNetCore.Http;

namespace K3s.ApiServer.Handlers;

/// <summary>
/// What a list's resourceVersion and resourceVersionMatch ask for: the latest state (no version, or
/// "0"), a state not older than a version (NotOlderThan, the default for a version), or exactly the
/// state at a version (Exact).
/// </summary>
public sealed record ListVersion(long Revision, bool Exact)
{
    public static ListVersion Parse(IQueryCollection query, bool continuing)
    {
        var version = query["resourceVersion"].ToString();
        var match = query["resourceVersionMatch"].ToString();
        if (match.Length > 0 && version.Length == 0)
            throw ApiException.Invalid("ListOptions", "", [("resourceVersionMatch", "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided")]);
        if (match is not ("" or "Exact" or "NotOlderThan"))
            throw ApiException.Invalid("ListOptions", "", [("resourceVersionMatch", $"Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\", \"\"")]);
        if (continuing && version.Length > 0 && version != "0")
            throw ApiException.Invalid("ListOptions", "", [("resourceVersion", "Forbidden: specifying resource version is not allowed when using continue")]);
        if (version.Length == 0)
            return new ListVersion(0, false);
        if (!long.TryParse(version, CultureInfo.InvariantCulture, out var revision) || revision < 0)
            throw ApiException.BadRequest($"invalid resourceVersion \"{version}\"");
        if (match == "Exact" && revision == 0)
            throw ApiException.Invalid("ListOptions", "", [("resourceVersionMatch", "Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"")]);
        return new ListVersion(revision, match == "Exact");
    }
}
