using System.Text;
using K3s.Kine.Server.Http2;
using static K3s.Kine.Tests.Http2.HpackTestEncoding;

namespace K3s.Kine.Tests.Http2;

public sealed class HuffmanDecoderTests
{
    private static bool TryDecode(byte[] encoded, out string decoded)
    {
        var destination = new byte[HuffmanDecoder.MaxDecodedLength(encoded.Length)];
        var ok = HuffmanDecoder.TryDecode(encoded, destination, out var written);
        decoded = Encoding.Latin1.GetString(destination, 0, written);
        return ok;
    }

    /// <summary>The Huffman-coded strings of RFC 7541 Appendix C.4 and C.6.</summary>
    [Theory]
    [InlineData("f1e3 c2e5 f23a 6ba0 ab90 f4ff", "www.example.com")]
    [InlineData("a8eb 1064 9cbf", "no-cache")]
    [InlineData("25a8 49e9 5ba9 7d7f", "custom-key")]
    [InlineData("25a8 49e9 5bb8 e8b4 bf", "custom-value")]
    [InlineData("6402", "302")]
    [InlineData("aec3 771a 4b", "private")]
    [InlineData("d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff", "Mon, 21 Oct 2013 20:13:21 GMT")]
    [InlineData("9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3", "https://www.example.com")]
    [InlineData("640e ff", "307")]
    [InlineData("d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff", "Mon, 21 Oct 2013 20:13:22 GMT")]
    [InlineData("9bd9 ab", "gzip")]
    [InlineData("94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
        "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")]
    [InlineData("", "")]
    public void Decodes_the_RFC_examples(string hex, string expected)
    {
        Assert.True(TryDecode(Hex(hex), out var decoded));
        Assert.Equal(expected, decoded);
    }

    [Fact]
    public void The_table_is_RFC_7541_Appendix_B()
    {
        Assert.Equal(257, HuffmanDecoder.Codes.Length);
        Assert.Equal((0x1ff8u, 13), HuffmanDecoder.Codes[0]);
        Assert.Equal((0x14u, 6), HuffmanDecoder.Codes[' ']);
        Assert.Equal((0x0u, 5), HuffmanDecoder.Codes['0']);
        Assert.Equal((0x3u, 5), HuffmanDecoder.Codes['a']);
        Assert.Equal((0x7fff0u, 19), HuffmanDecoder.Codes['\\']);
        Assert.Equal((0x3ffffeeu, 26), HuffmanDecoder.Codes[255]);
        Assert.Equal((0x3fffffffu, 30), HuffmanDecoder.Codes[HuffmanDecoder.EndOfString]);

        // A canonical code: codes follow in (length, symbol) order, and together fill the code space.
        var ordered = Enumerable.Range(0, 257).OrderBy(s => HuffmanDecoder.Codes[s].Length).ThenBy(s => s).ToList();
        ulong next = 0;
        var previousLength = HuffmanDecoder.Codes[ordered[0]].Length;
        foreach (var symbol in ordered)
        {
            var (code, length) = HuffmanDecoder.Codes[symbol];
            next <<= length - previousLength;
            previousLength = length;
            Assert.Equal(next++, code);
        }
        Assert.Equal(1ul << 30, next);
    }

    [Fact]
    public void Round_trips_every_octet()
    {
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var random = new Random(7541);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var value = attempt == 0 ? all : Enumerable.Range(0, random.Next(0, 64)).Select(_ => (byte)random.Next(256)).ToArray();
            var encoded = Huffman(value);
            var destination = new byte[HuffmanDecoder.MaxDecodedLength(encoded.Length)];
            Assert.True(HuffmanDecoder.TryDecode(encoded, destination, out var written));
            Assert.Equal(value, destination[..written]);
        }
    }

    [Fact]
    public void Refuses_padding_longer_than_7_bits()
    {
        // 'a' (00011) then 11 one-bits.
        Assert.False(TryDecode([0b0001_1111, 0b1111_1111], out _));
        Assert.False(TryDecode([0xff], out _));
    }

    [Fact]
    public void Refuses_padding_that_is_not_ones()
    {
        // '0' (00000) then padding 000, and then 010.
        Assert.False(TryDecode([0b0000_0000], out _));
        Assert.False(TryDecode([0b0000_0010], out _));
        Assert.True(TryDecode([0b0000_0111], out var zero));
        Assert.Equal("0", zero);
    }

    [Fact]
    public void Refuses_the_end_of_string_symbol_inside_a_string()
    {
        // EOS (30 ones) then two padding ones: a whole EOS in the string.
        Assert.False(TryDecode([0xff, 0xff, 0xff, 0xff], out _));
        // 'a' then EOS then padding.
        Assert.False(TryDecode([0b0001_1111, 0xff, 0xff, 0xff, 0xff, 0xff], out _));
    }
}
