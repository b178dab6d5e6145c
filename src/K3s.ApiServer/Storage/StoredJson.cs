using System.Globalization;
using System.Text;
using System.Text.Json;

namespace K3s.ApiServer.Storage;

/// <summary>
/// A stored object's JSON given its resourceVersion without parsing it into nodes: the version is
/// written at the start of the top-level metadata object (stored objects do not carry one).
/// </summary>
public static class StoredJson
{
    public static byte[] WithResourceVersion(ReadOnlySpan<byte> json, long revision)
    {
        var version = Encoding.UTF8.GetBytes($"\"resourceVersion\":\"{revision.ToString(CultureInfo.InvariantCulture)}\"");
        var reader = new Utf8JsonReader(json);
        reader.Read(); // the object
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            if (isMetadata && reader.TokenType == JsonTokenType.StartObject)
            {
                var at = (int)reader.TokenStartIndex + 1;
                var empty = reader.Read() && reader.TokenType == JsonTokenType.EndObject;
                return [.. json[..at], .. version, .. empty ? [] : ","u8, .. json[at..]];
            }
            reader.Skip();
        }
        // No metadata object at all: the object gains one.
        var end = json.LastIndexOf((byte)'}');
        var separator = json[..end].TrimEnd(" \t\r\n"u8).EndsWith("{"u8) ? ""u8 : ","u8;
        return [.. json[..end], .. separator, .. "\"metadata\":{"u8, .. version, .. "}"u8, .. json[end..]];
    }
}
