using System.IO.Pipelines;
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

    public static byte[] WriteBytes(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Options);

    /// <summary>Writes straight into a response's pipe: no string of the whole answer (a list can be megabytes).</summary>
    public static async Task WriteAsync(PipeWriter output, JsonNode node, CancellationToken cancellationToken)
    {
        await using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Options.Encoder, SkipValidation = true }))
            node.WriteTo(writer);
        await output.FlushAsync(cancellationToken);
    }
}
