using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace K3s.ApiServer.Machinery;

/// <summary>
/// JSON as the upstream server writes it: only what JSON requires is escaped, so messages with
/// quotes or backticks and non-ASCII values stay readable on the wire and in the datastore.
/// </summary>
public static class JsonText
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode node) => node.ToJsonString(Options);
}
