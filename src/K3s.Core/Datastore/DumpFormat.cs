using System.Buffers;
using System.Text.Json;

namespace K3s.Core.Datastore;

/// <summary>
/// The logical dump Backup-K3sDatastore writes for an etcd v3 endpoint, version 1. JSON Lines:
/// UTF-8, one JSON object per line, every line ended by "\n", in this order:
/// <code>
/// {"format":"k3sps-datastore-dump","version":1,"revision":R,"keys":N,"createdAt":"ISO 8601","source":"endpoint"}
/// {"key":"/registry/…","value":"BASE64","createRevision":C,"modRevision":M,"version":V,"lease":L}   one per live key at R, by key
/// {"lease":L,"ttl":SECONDS}                                                                        one per lease a key names
/// {"end":true,"keys":N,"leases":M,"sha256":"HEX"}
/// </code>
/// The sha256 is that of every byte before the end line. A dump without its end line, or whose
/// counts or hash differ, is truncated or damaged, and is refused.
/// </summary>
public static class DumpFormat
{
    public const string Name = "k3sps-datastore-dump";
    public const int Version = 1;

    public static byte[] Header(DumpHeader header) => Line(json =>
    {
        json.WriteString("format", header.Format);
        json.WriteNumber("version", header.Version);
        json.WriteNumber("revision", header.Revision);
        json.WriteNumber("keys", header.Keys);
        json.WriteString("createdAt", header.CreatedAt);
        json.WriteString("source", header.Source);
    });

    public static byte[] Entry(DumpEntry entry) => Line(json =>
    {
        json.WriteString("key", entry.Key);
        json.WriteBase64String("value", entry.Value);
        json.WriteNumber("createRevision", entry.CreateRevision);
        json.WriteNumber("modRevision", entry.ModRevision);
        json.WriteNumber("version", entry.Version);
        json.WriteNumber("lease", entry.Lease);
    });

    public static byte[] Lease(DumpLease lease) => Line(json =>
    {
        json.WriteNumber("lease", lease.Id);
        json.WriteNumber("ttl", lease.Ttl);
    });

    public static byte[] End(DumpEnd end) => Line(json =>
    {
        json.WriteBoolean("end", true);
        json.WriteNumber("keys", end.Keys);
        json.WriteNumber("leases", end.Leases);
        json.WriteString("sha256", end.Sha256);
    });

    /// <summary>One line (without its "\n"); a <see cref="FormatException"/> says what is wrong with it.</summary>
    public static DumpLine Parse(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new FormatException("not a JSON object");
            if (root.TryGetProperty("format", out _))
            {
                return new DumpHeader(String(root, "format"), (int)Math.Clamp(Int64(root, "version"), 0, int.MaxValue), Int64(root, "revision"), Int64(root, "keys"),
                    root.GetProperty("createdAt").GetDateTimeOffset(), String(root, "source"));
            }
            if (root.TryGetProperty("key", out _))
            {
                return new DumpEntry(String(root, "key"), Property(root, "value").GetBytesFromBase64(), Int64(root, "createRevision"),
                    Int64(root, "modRevision"), Int64(root, "version"), Int64(root, "lease"));
            }
            if (root.TryGetProperty("end", out var end))
            {
                if (end.ValueKind != JsonValueKind.True)
                    throw new FormatException("\"end\" is not true");
                return new DumpEnd(Int64(root, "keys"), Int64(root, "leases"), String(root, "sha256"));
            }
            if (root.TryGetProperty("lease", out _))
                return new DumpLease(Int64(root, "lease"), Int64(root, "ttl"));
            throw new FormatException("neither a header, a key, a lease nor the end line");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static byte[] Line(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }
        return [.. buffer.WrittenSpan, (byte)'\n'];
    }

    private static JsonElement Property(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value : throw new FormatException($"\"{name}\" is missing");

    private static long Int64(JsonElement root, string name) =>
        Property(root, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number)
            ? number
            : throw new FormatException($"\"{name}\" is not an integer");

    private static string String(JsonElement root, string name) =>
        Property(root, name) is { ValueKind: JsonValueKind.String } value
            ? value.GetString()!
            : throw new FormatException($"\"{name}\" is not a string");
}

/// <summary>A line of a dump.</summary>
public abstract record DumpLine;

/// <summary>The first line: what the dump is and the revision it was read at.</summary>
public sealed record DumpHeader(string Format, int Version, long Revision, long Keys, DateTimeOffset CreatedAt, string Source) : DumpLine;

/// <summary>A live key at the dump's revision, as etcd reports it.</summary>
public sealed record DumpEntry(string Key, byte[] Value, long CreateRevision, long ModRevision, long Version, long Lease) : DumpLine;

/// <summary>A lease that keys are attached to, with the TTL it was granted.</summary>
public sealed record DumpLease(long Id, long Ttl) : DumpLine;

/// <summary>The last line: the counts and the hash of everything before it.</summary>
public sealed record DumpEnd(long Keys, long Leases, string Sha256) : DumpLine;
