using System.Text;
using Google.Protobuf;

namespace K3s.Core.Datastore;

/// <summary>The keys a cmdlet asks for: one key, or every key under a prefix (all keys for an empty prefix).</summary>
public sealed record KeySelection(string Key, bool IsPrefix)
{
    public static readonly KeySelection All = new("", true);

    public static KeySelection Exactly(string key) => new(key, false);

    public static KeySelection Under(string prefix) => new(prefix, true);

    public bool Matches(string key) => IsPrefix ? key.StartsWith(Key, StringComparison.Ordinal) : key == Key;

    /// <summary>etcd's key and range_end for this selection.</summary>
    public (ByteString Key, ByteString RangeEnd) ToEtcdRange()
    {
        if (!IsPrefix)
            return (ByteString.CopyFromUtf8(Key), ByteString.Empty);
        if (Key.Length == 0)
            return (ByteString.CopyFrom(0), ByteString.CopyFrom(0));
        var end = Encoding.UTF8.GetBytes(Key);
        // The prefix's successor: the last byte that can be incremented, incremented, and cut there.
        for (var i = end.Length - 1; i >= 0; i--)
        {
            if (end[i] < 0xff)
            {
                end[i]++;
                return (ByteString.CopyFromUtf8(Key), ByteString.CopyFrom(end, 0, i + 1));
            }
        }
        return (ByteString.CopyFromUtf8(Key), ByteString.CopyFrom(0));
    }

    public override string ToString() => IsPrefix ? Key + "*" : Key;
}
