using System.Text;
using Google.Protobuf;
using Grpc.Core;
using K3s.Core.Etcd;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>
/// etcd keys are bytes; kine stores them as text. Keys must therefore be UTF-8 (a documented
/// difference from etcd), and NUL, which PostgreSQL text cannot hold, only as etcd's "\0" markers.
/// </summary>
internal static class KeyCodec
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Key(ByteString key)
    {
        if (key.IsEmpty)
            throw EtcdErrors.EmptyKey();
        return Decode(key);
    }

    /// <summary>
    /// The keys named by key and range_end: empty range_end is the key alone, "\0" is every key
    /// from the key on, anything else the interval [key, range_end). A key of "\0" with a range_end
    /// means "from the first key".
    /// </summary>
    public static KeyRange Range(ByteString key, ByteString rangeEnd)
    {
        if (key.IsEmpty)
            throw EtcdErrors.EmptyKey();
        if (rangeEnd.IsEmpty)
            return KeyRange.Single(Decode(key));
        var (start, startExclusive) = IsNul(key) ? ("", false) : Bound(key);
        if (IsNul(rangeEnd))
            return KeyRange.From(start, startExclusive);
        var (end, endInclusive) = Bound(rangeEnd);
        return KeyRange.Between(start, end, startExclusive, endInclusive);
    }

    /// <summary>A range bound; one ending in NUL ("k\0", the first key after k) is k, marked as such.</summary>
    private static (string Key, bool AfterKey) Bound(ByteString bytes) =>
        bytes.Length > 1 && bytes[^1] == 0 ? (Decode(bytes.Span[..^1]), true) : (Decode(bytes), false);

    public static ByteString Encode(string key) => ByteString.CopyFromUtf8(key);

    private static bool IsNul(ByteString bytes) => bytes.Length == 1 && bytes[0] == 0;

    private static string Decode(ByteString bytes) => Decode(bytes.Span);

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var text = StrictUtf8.GetString(bytes);
            if (text.Contains('\0'))
                throw new DecoderFallbackException();
            return text;
        }
        catch (DecoderFallbackException)
        {
            throw EtcdErrors.Error(StatusCode.InvalidArgument, "k3sps: keys must be UTF-8 text without NUL (kine stores them as text)");
        }
    }
}
