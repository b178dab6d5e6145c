using System.Buffers;

namespace K3s.Kine.Server.Http2;

/// <summary>
/// Encodes header fields as literals with a new name and no Huffman coding (RFC 7541 sections
/// 6.2.2 and 6.2.3): a block made only of these needs no table and no Huffman decoding to read.
/// </summary>
internal static class HpackLiteralEncoder
{
    private const byte WithoutIndexing = 0x00;
    private const byte NeverIndexed = 0x10;

    /// <summary>An int takes the prefix octet and at most five more (7 bits each).</summary>
    private const int MaxIntegerLength = 6;

    /// <summary>The most bytes <see cref="Write"/> takes for a field.</summary>
    public static int MaxEncodedLength(int nameLength, int valueLength) =>
        1 + MaxIntegerLength + nameLength + MaxIntegerLength + valueLength;

    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed)
    {
        var span = output.GetSpan(MaxEncodedLength(name.Length, value.Length));
        span[0] = neverIndexed ? NeverIndexed : WithoutIndexing; // name index 0: a literal name follows
        var written = 1;
        written += WriteString(span[written..], name);
        written += WriteString(span[written..], value);
        output.Advance(written);
    }

    /// <summary>A string literal without Huffman coding (section 5.2): H bit 0, 7-bit prefix length.</summary>
    private static int WriteString(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        var written = WriteInteger(destination, value.Length, 7);
        value.CopyTo(destination[written..]);
        return written + value.Length;
    }

    /// <summary>An integer with an N-bit prefix (section 5.1); the prefix's other bits stay 0.</summary>
    internal static int WriteInteger(Span<byte> destination, int value, int prefixBits)
    {
        var prefixMax = (1 << prefixBits) - 1;
        if (value < prefixMax)
        {
            destination[0] = (byte)value;
            return 1;
        }
        destination[0] = (byte)prefixMax;
        var written = 1;
        for (value -= prefixMax; value >= 0x80; value >>= 7)
            destination[written++] = (byte)(value & 0x7f | 0x80);
        destination[written++] = (byte)value;
        return written;
    }
}
