using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace K3s.PowerShell.Datastore;

/// <summary>
/// Shows a stored value as PowerShell would want it: JSON as objects (as ConvertFrom-Json gives
/// them), text as a string, anything else (Kubernetes' protobuf, binary) as its bytes.
/// </summary>
internal static class DatastoreValue
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static object? Decode(byte[] bytes)
    {
        if (TryParseJson(bytes) is { } document)
        {
            using (document)
                return ToPowerShell(document.RootElement);
        }
        return TryText(bytes) ?? (object)bytes;
    }

    /// <summary>The value as lines, for Compare-Object: indented JSON, text, or hex of binary bytes.</summary>
    public static string[] Lines(byte[] bytes)
    {
        if (TryParseJson(bytes) is { } document)
        {
            using (document)
                return JsonSerializer.Serialize(document.RootElement, Indented).Split('\n');
        }
        if (TryText(bytes) is { } text)
            return text.Split('\n');
        return bytes.Chunk(32).Select(Convert.ToHexString).ToArray();
    }

    private static JsonDocument? TryParseJson(byte[] bytes)
    {
        if (bytes.Length == 0 || (bytes[0] != (byte)'{' && bytes[0] != (byte)'['))
            return null;
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? TryText(byte[] bytes)
    {
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static object? ToPowerShell(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => ToObject(element),
        JsonValueKind.Array => element.EnumerateArray().Select(ToPowerShell).ToArray(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? integer : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static PSObject ToObject(JsonElement element)
    {
        var result = new PSObject();
        foreach (var property in element.EnumerateObject())
        {
            // JSON may repeat a name; the last one wins, as ConvertFrom-Json does.
            result.Properties.Remove(property.Name);
            result.Properties.Add(new PSNoteProperty(property.Name, ToPowerShell(property.Value)));
        }
        return result;
    }
}
