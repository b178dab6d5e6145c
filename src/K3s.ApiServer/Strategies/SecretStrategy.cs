using System.Text;
using System.Text.Json.Nodes;

namespace K3s.ApiServer.Strategies;

/// <summary>Secrets: type Opaque by default; stringData is write-only and lands base64-encoded in data.</summary>
public sealed class SecretStrategy : ResourceStrategy
{
    public override void PrepareForCreate(JsonObject item)
    {
        if (item["type"] is not JsonValue type || string.IsNullOrEmpty((string?)type))
            item["type"] = "Opaque";
        if (item["stringData"] is JsonObject stringData)
        {
            var data = item["data"] as JsonObject ?? [];
            foreach (var (key, value) in stringData)
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value is JsonValue text ? (string?)text ?? "" : ""));
            item["data"] = data;
        }
        item.Remove("stringData");
    }

    public override void PrepareForUpdate(JsonObject item, JsonObject old)
    {
        item["type"] ??= old["type"]?.DeepClone();
        PrepareForCreate(item);
    }

    public override IEnumerable<(string Field, string Message)> Validate(JsonObject item)
    {
        if (item["data"] is JsonObject data)
        {
            foreach (var (key, value) in data)
            {
                if (value is not JsonValue encoded || !IsBase64((string?)encoded))
                    yield return ($"data[{key}]", "Invalid value: illegal base64 data");
            }
        }
    }

    private static bool IsBase64(string? text)
    {
        if (text is null)
            return false;
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }
}
