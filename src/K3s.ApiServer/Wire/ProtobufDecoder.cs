using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
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
/// without presence are left out, as upstream's omitempty does; fields marked inline (Go's embedded
/// structs) are written into their parent; the few types whose JSON differs from their message
/// (times, durations, quantities, int-or-strings, extra values, raw JSON) are written as the upstream
/// JSON encoder writes them.
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
        [("v1", "Pod")] = Core.Pod.Parser,
        [("v1", "PodTemplate")] = Core.PodTemplate.Parser,
        [("v1", "Service")] = Core.Service.Parser,
        [("v1", "ServiceAccount")] = Core.ServiceAccount.Parser,
        [("v1", "Endpoints")] = Core.Endpoints.Parser,
        [("v1", "Event")] = Core.Event.Parser,
        [("v1", "PersistentVolumeClaim")] = Core.PersistentVolumeClaim.Parser,
        [("apps/v1", "Deployment")] = Apps.Deployment.Parser,
        [("apps/v1", "ReplicaSet")] = Apps.ReplicaSet.Parser,
        [("apps/v1", "StatefulSet")] = Apps.StatefulSet.Parser,
        [("apps/v1", "DaemonSet")] = Apps.DaemonSet.Parser,
        [("batch/v1", "Job")] = Batch.Job.Parser,
        [("batch/v1", "CronJob")] = Batch.CronJob.Parser,
        [("rbac.authorization.k8s.io/v1", "Role")] = Rbac.Role.Parser,
        [("rbac.authorization.k8s.io/v1", "ClusterRole")] = Rbac.ClusterRole.Parser,
        [("rbac.authorization.k8s.io/v1", "RoleBinding")] = Rbac.RoleBinding.Parser,
        [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = Rbac.ClusterRoleBinding.Parser,
        [("authorization.k8s.io/v1", "SelfSubjectAccessReview")] = Authorization.SelfSubjectAccessReview.Parser,
        [("authorization.k8s.io/v1", "SubjectAccessReview")] = Authorization.SubjectAccessReview.Parser,
        [("authorization.k8s.io/v1", "LocalSubjectAccessReview")] = Authorization.LocalSubjectAccessReview.Parser,
        [("authentication.k8s.io/v1", "SelfSubjectReview")] = Authentication.SelfSubjectReview.Parser,
    };

    /// <summary>Whether a field is a Go struct embedded with json:",inline" (the k3s.wire.inline option), by field.</summary>
    private static readonly ConcurrentDictionary<FieldDescriptor, bool> Inlined = new();

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
        // Parsed back from its text, so its values are the same kind of node as a JSON body's: a
        // value built from an int does not convert (TryGetValue<long> fails), a parsed one does.
        return JsonNode.Parse(item.ToJsonString())!.AsObject();
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
                if (value is IMessage embedded && IsInline(field))
                {
                    var fields = Message(embedded);
                    foreach (var name in fields.Select(pair => pair.Key).ToList())
                    {
                        var node = fields[name];
                        fields.Remove(name);
                        result[name] = node;
                    }
                }
                else
                {
                    result[field.JsonName] = Value(field, value);
                }
            }
        }
        return result;
    }

    private static bool IsInline(FieldDescriptor field) =>
        Inlined.GetOrAdd(field, static field => field.GetOptions()?.GetExtension(Options.WireExtensions.Inline) ?? false);

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
        IMessage message => Special(message, out var special) ? special : Message(message),
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

    /// <summary>The messages whose JSON is not an object of their fields; a zero time is null, as upstream writes it.</summary>
    private static bool Special(IMessage message, out JsonNode? json)
    {
        json = message switch
        {
            Meta.Time time => !time.HasSeconds && !time.HasNanos ? null
                : DateTimeOffset.FromUnixTimeSeconds(time.Seconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            Meta.MicroTime time => !time.HasSeconds && !time.HasNanos ? null
                : DateTimeOffset.FromUnixTimeSeconds(time.Seconds).AddTicks(time.Nanos / 100).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            Meta.Duration duration => GoDuration(duration.Duration_),
            Meta.FieldsV1 fields => fields.Raw.IsEmpty ? new JsonObject() : JsonNode.Parse(fields.Raw.Span),
            RawExtension raw => raw.Raw.IsEmpty ? null : JsonNode.Parse(raw.Raw.Span),
            IntStr.IntOrString value => value.Type == 1 ? JsonValue.Create(value.StrVal) : JsonValue.Create(value.IntVal),
            Resource.Quantity quantity => quantity.String,
            Authorization.ExtraValue extra => new JsonArray(extra.Items.Select(item => (JsonNode?)item).ToArray()),
            Authentication.ExtraValue extra => new JsonArray(extra.Items.Select(item => (JsonNode?)item).ToArray()),
            _ => Unspecial,
        };
        if (ReferenceEquals(json, Unspecial))
        {
            json = null;
            return false;
        }
        return true;
    }

    private static readonly JsonNode Unspecial = new JsonObject();

    /// <summary>A duration as Go's time.Duration.String writes it ("1h2m3.5s", "150ms", "0s"), the JSON of metav1.Duration.</summary>
    internal static string GoDuration(long nanoseconds)
    {
        if (nanoseconds == 0)
            return "0s";
        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        var text = new StringBuilder();
        if (u < 1_000_000_000)
        {
            if (u < 1_000)
                text.Append(u).Append("ns");
            else if (u < 1_000_000)
                text.Append(Fraction(u, 3)).Append("µs");
            else
                text.Append(Fraction(u, 6)).Append("ms");
        }
        else
        {
            // Whole seconds and their fraction, then minutes and hours above them: 1h2m3.5s.
            var fraction = Fraction(u % 1_000_000_000, 9);
            var total = u / 1_000_000_000;
            var (minutes, hours) = (total / 60, total / 3600);
            if (hours > 0)
                text.Append(hours).Append('h').Append(minutes % 60).Append('m');
            else if (minutes > 0)
                text.Append(minutes).Append('m');
            text.Append(total % 60).Append(fraction[1..]).Append('s');
        }
        return negative ? "-" + text : text.ToString();
    }

    /// <summary>value / 10^digits with its fraction, trailing zeros and a bare point dropped.</summary>
    private static string Fraction(ulong value, int digits)
    {
        var scale = (ulong)Math.Pow(10, digits);
        var fraction = (value % scale).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        var whole = (value / scale).ToString(CultureInfo.InvariantCulture);
        return fraction.Length == 0 ? whole : whole + "." + fraction;
    }
}
