using System.Text;

namespace K3s.Core.Datastore;

/// <summary>Reads single length-delimited fields from protobuf bytes, without the message's schema.</summary>
internal static class ProtobufFields
{
    /// <summary>The first length-delimited field with this number; empty if absent or malformed.</summary>
    public static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> message, int fieldNumber)
    {
        var position = 0;
        while (position < message.Length)
        {
            if (!TryVarint(message, ref position, out var tag))
                return [];
            var wireType = (int)(tag & 7);
            var number = (int)(tag >> 3);
            switch (wireType)
            {
                case 0:
                    if (!TryVarint(message, ref position, out _))
                        return [];
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    if (!TryVarint(message, ref position, out var length) || length > (ulong)(message.Length - position))
                        return [];
                    if (number == fieldNumber)
                        return message.Slice(position, (int)length);
                    position += (int)length;
                    break;
                default:
                    return [];
            }
        }
        return [];
    }

    public static string? String(ReadOnlySpan<byte> message, int fieldNumber)
    {
        var bytes = Bytes(message, fieldNumber);
        return bytes.IsEmpty ? null : Encoding.UTF8.GetString(bytes);
    }

    private static bool TryVarint(ReadOnlySpan<byte> message, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < message.Length; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return true;
        }
        return false;
    }
}
