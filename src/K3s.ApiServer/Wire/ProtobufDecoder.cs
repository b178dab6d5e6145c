using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;
using K3s.ApiServer.Machinery;
using K3s.ApiServer.Wire.Runtime;

namespace K3s.ApiServer.Wire;

/// <summary>
/// Kubernetes' protobuf encoding ("k8s\0" then a runtime.Unknown holding the object) decoded into the
/// JSON the rest of the server works with. Field names are the JSON names; zero values of fields
/// without presence are left out, as upstream's omitempty does; the few types whose JSON differs from
/// their message (times, raw JSON) are written as the upstream JSON encoder writes them.
/// </summary>
public static class ProtobufDecoder
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>The kinds whose protobuf form is known, by apiVersion and kind.</summary>
    private static readonly Dictionary<(string ApiVersion, string Kind), MessageParser> Parsers = new()
    {
        [("v1", "Namespace")] = Core.Namespace.Parser,
        [("v1", "ConfigMap")] = Core.ConfigMap.Parser,
        [("v1", "Secret")] = Core.Secret.Parser,
    };

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
            throw ApiException.BadRequest("the protobuf body does not start with the Kubernetes envelope (\"k8s\\0\")");
        string apiVersion, kind;
        IMessage message;
        try
        {
            var envelope = Unknown.Parser.ParseFrom(body[Magic.Length..]);
            apiVersion = envelope.TypeMeta?.ApiVersion ?? "";
            kind = envelope.TypeMeta?.Kind ?? "";
            if (!Parsers.TryGetValue((apiVersion, kind), out var parser))
                throw new ApiException(415, "UnsupportedMediaType", $"the server cannot decode {apiVersion}, Kind={kind} from {MediaType} yet; send it as application/json");
            message = parser.ParseFrom(envelope.Raw);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw ApiException.BadRequest($"the protobuf body cannot be decoded: {e.Message}");
        }
        var item = Message(message);
        item["apiVersion"] = apiVersion;
        item["kind"] = kind;
        return item;
    }

    private static JsonObject Message(IMessage message)
    {
        var result = new JsonObject();
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var map = (System.Collections.IDictionary)value;
                if (map.Count > 0)
                    result[field.JsonName] = Map(field, map);
            }
            else if (field.IsRepeated)
            {
                var list = (System.Collections.IList)value;
                if (list.Count > 0)
                    result[field.JsonName] = new JsonArray(list.Cast<object>().Select(element => Value(field, element)).ToArray());
            }
            else if (field.HasPresence ? field.Accessor.HasValue(message) : !IsZero(value))
            {
                result[field.JsonName] = Value(field, value);
            }
        }
        return result;
    }

    private static JsonObject Map(FieldDescriptor field, System.Collections.IDictionary map)
    {
        var valueField = field.MessageType.FindFieldByNumber(2);
        var result = new JsonObject();
        foreach (System.Collections.DictionaryEntry entry in map)
            result[(string)entry.Key] = Value(valueField, entry.Value!);
        return result;
    }

    private static JsonNode? Value(FieldDescriptor field, object value) => value switch
    {
        IMessage message => Special(message) ?? Message(message),
        ByteString bytes => Convert.ToBase64String(bytes.Span),
        string text => text,
        bool flag => flag,
        int number => number,
        long number => number,
        uint number => number,
        ulong number => number,
        double number => number,
        float number => number,
        _ => throw new InvalidOperationException($"{field.FullName}: no JSON form for {value.GetType().Name}"),
    };

    private static bool IsZero(object value) => value switch
    {
        string text => text.Length == 0,
        ByteString bytes => bytes.IsEmpty,
        bool flag => !flag,
        int or long or uint or ulong or double or float => Convert.ToDouble(value, CultureInfo.InvariantCulture) == 0,
        _ => false,
    };

    /// <summary>The messages whose JSON is not an object of their fields.</summary>
    private static JsonNode? Special(IMessage message) => message switch
    {
        Meta.Time time => DateTimeOffset.FromUnixTimeSeconds(time.Seconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        Meta.MicroTime time => DateTimeOffset.FromUnixTimeSeconds(time.Seconds).AddTicks(time.Nanos / 100).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
        Meta.FieldsV1 fields => fields.Raw.IsEmpty ? new JsonObject() : JsonNode.Parse(fields.Raw.Span),
        RawExtension raw => raw.Raw.IsEmpty ? null : JsonNode.Parse(raw.Raw.Span),
        _ => null,
    };
}
