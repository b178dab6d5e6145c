using System.Buffers;
using System.Text;
using K3s.Kine.Server.Http2;

namespace K3s.Kine.Tests.Http2;

public sealed class HpackLiteralEncoderTests
{
    /// <summary>RFC 7541 Appendix C.1, and the edges of a 7-bit prefix.</summary>
    [Theory]
    [InlineData(10, 5, "0a")]
    [InlineData(1337, 5, "1f9a0a")]
    [InlineData(42, 8, "2a")]
    [InlineData(126, 7, "7e")]
    [InlineData(127, 7, "7f00")]
    [InlineData(255, 7, "7f8001")]
    public void Encodes_integers(int value, int prefixBits, string hex)
    {
        var destination = new byte[8];
        var written = HpackLiteralEncoder.WriteInteger(destination, value, prefixBits);
        Assert.Equal(hex, Convert.ToHexStringLower(destination, 0, written));
    }

    [Fact]
    public void Writes_literals_with_a_new_name_that_decode_without_a_table()
    {
        var output = new ArrayBufferWriter<byte>();
        var longValue = new string('v', 300);
        HpackLiteralEncoder.Write(output, "x-key"u8, Encoding.ASCII.GetBytes(longValue), neverIndexed: false);
        HpackLiteralEncoder.Write(output, "authorization"u8, "secret"u8, neverIndexed: true);
        HpackLiteralEncoder.Write(output, ""u8, ""u8, neverIndexed: false);

        Assert.Equal(
            [("x-key", longValue, false), ("authorization", "secret", true), ("", "", false)],
            Http2TestFrames.ReadPlainLiterals(output.WrittenSpan));
        var decoder = new HpackDecoder(maxTableSize: 0);
        var collector = new HeaderCollector();
        decoder.Decode(output.WrittenSpan, collector);
        Assert.Equal([("x-key", longValue), ("authorization", "secret"), ("", "")], collector.Fields);
        Assert.Equal([false, true, false], collector.NeverIndexed);
    }
}
