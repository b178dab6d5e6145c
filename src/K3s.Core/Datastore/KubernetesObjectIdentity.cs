using System.Text.Json;

namespace K3s.Core.Datastore;

/// <summary>
/// What a stored value says it is, when it is a Kubernetes object: stored as JSON (K3sPs, custom
/// resources) or in Kubernetes' protobuf envelope ("k8s\0" then runtime.Unknown, as k3s stores
/// built-in kinds), of which only the type and the object's metadata are read.
/// </summary>
public sealed record KubernetesObjectIdentity(string ApiVersion, string Kind, string? Namespace, string? Name)
{
    private static ReadOnlySpan<byte> ProtobufMagic => "k8s\0"u8;

    public static KubernetesObjectIdentity? Of(byte[] value)
    {
        if (value.AsSpan().StartsWith(ProtobufMagic))
            return FromProtobuf(value.AsSpan(ProtobufMagic.Length));
        if (value.Length == 0 || value[0] != (byte)'{')
            return null;
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kind", out var kind) || !root.TryGetProperty("apiVersion", out var apiVersion))
                return null;
            string? name = null, @namespace = null;
            if (root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                name = metadata.TryGetProperty("name", out var n) ? n.GetString() : null;
                @namespace = metadata.TryGetProperty("namespace", out var ns) ? ns.GetString() : null;
            }
            return new KubernetesObjectIdentity(apiVersion.GetString() ?? "", kind.GetString() ?? "", @namespace, name);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw (the object, whose field 1 is its
    // ObjectMeta {1 name, 3 namespace}).
    private static KubernetesObjectIdentity? FromProtobuf(ReadOnlySpan<byte> unknown)
    {
        var typeMeta = ProtobufFields.Bytes(unknown, 1);
        if (typeMeta.IsEmpty)
            return null;
        var raw = ProtobufFields.Bytes(unknown, 2);
        var metadata = ProtobufFields.Bytes(raw, 1);
        return new KubernetesObjectIdentity(
            ProtobufFields.String(typeMeta, 1) ?? "",
            ProtobufFields.String(typeMeta, 2) ?? "",
            ProtobufFields.String(metadata, 3),
            ProtobufFields.String(metadata, 1));
    }
}
