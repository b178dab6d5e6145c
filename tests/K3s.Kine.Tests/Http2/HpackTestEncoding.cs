using K3s.Kine.Server.Http2;

namespace K3s.Kine.Tests.Http2;

/// <summary>Hex dumps and Huffman coding for the tests' HPACK inputs.</summary>
internal static class HpackTestEncoding
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("\n", ""));

    /// <summary>Huffman-codes a string with the RFC 7541 code, padding with ones.</summary>
    public static byte[] Huffman(ReadOnlySpan<byte> value)
    {
        var output = new List<byte>();
        ulong bits = 0;
        var count = 0;
        foreach (var symbol in value)
        {
            var (code, length) = HuffmanDecoder.Codes[symbol];
            bits = bits << length | code;
            for (count += length; count >= 8; count -= 8)
                output.Add((byte)(bits >> (count - 8)));
        }
        if (count > 0)
            output.Add((byte)(bits << (8 - count) | (1u << (8 - count)) - 1));
        return [.. output];
    }
}
