using System.Text.Json;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Storage;

/// <summary>
/// The continue token of a paged list: where the next page starts and the revision the first page was
/// read at, so every page reads the same snapshot (as the upstream API server's tokens do).
/// </summary>
public static class ContinueToken
{
    private sealed record Token(int V, long Rv, string Start);

    public static string Format(string nextKey, long revision) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new Token(1, revision, nextKey)));

    /// <returns>The key the page starts at and the revision to read at.</returns>
    public static (string Start, long Revision) Parse(string token, string prefix)
    {
        try
        {
            var parsed = JsonSerializer.Deserialize<Token>(Convert.FromBase64String(token));
            if (parsed is { V: 1 } && parsed.Rv > 0 && parsed.Start.StartsWith(prefix, StringComparison.Ordinal))
                return (parsed.Start, parsed.Rv);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            // Fall through to the error below.
        }
        throw ApiException.BadRequest("invalid continue token");
    }
}
