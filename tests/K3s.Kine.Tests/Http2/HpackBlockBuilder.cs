using System.Text;
using K3s.Kine.Server.Http2;

namespace K3s.Kine.Tests.Http2;

/// <summary>Builds HPACK header blocks with every representation, as a client's encoder would.</summary>
internal sealed class HpackBlockBuilder
{
    private readonly List<byte> bytes = [];

    public byte[] ToArray() => [.. bytes];

    /// <summary>Indexed header field (RFC 7541 section 6.1).</summary>
    public HpackBlockBuilder Indexed(int index) => Integer(0x80, 7, index);

    /// <summary>Literal with incremental indexing, indexed name (section 6.2.1).</summary>
    public HpackBlockBuilder Incremental(int nameIndex, string value, bool huffman = true) =>
        Integer(0x40, 6, nameIndex).String(value, huffman);

    /// <summary>Literal with incremental indexing, new name (section 6.2.1).</summary>
    public HpackBlockBuilder Incremental(string name, string value, bool huffman = true) =>
        Integer(0x40, 6, 0).String(name, huffman).String(value, huffman);

    /// <summary>Literal without indexing, new name (section 6.2.2).</summary>
    public HpackBlockBuilder WithoutIndexing(string name, string value, bool huffman = true) =>
        Integer(0x00, 4, 0).String(name, huffman).String(value, huffman);

    /// <summary>Literal without indexing, indexed name (section 6.2.2).</summary>
    public HpackBlockBuilder WithoutIndexing(int nameIndex, string value, bool huffman = true) =>
        Integer(0x00, 4, nameIndex).String(value, huffman);

    /// <summary>Literal never indexed, new name (section 6.2.3).</summary>
    public HpackBlockBuilder NeverIndexed(string name, string value, bool huffman = true) =>
        Integer(0x10, 4, 0).String(name, huffman).String(value, huffman);

    /// <summary>Dynamic table size update (section 6.3).</summary>
    public HpackBlockBuilder SizeUpdate(int size) => Integer(0x20, 5, size);

    public HpackBlockBuilder Raw(params byte[] raw)
    {
        bytes.AddRange(raw);
        return this;
    }

    private HpackBlockBuilder String(string value, bool huffman)
    {
        var raw = Encoding.ASCII.GetBytes(value);
        var encoded = huffman ? HpackTestEncoding.Huffman(raw) : raw;
        return Integer(huffman ? (byte)0x80 : (byte)0, 7, encoded.Length).Raw(encoded);
    }

    private HpackBlockBuilder Integer(byte pattern, int prefixBits, int value)
    {
        var integer = new byte[8];
        var length = HpackLiteralEncoder.WriteInteger(integer, value, prefixBits);
        integer[0] |= pattern;
        return Raw(integer[..length]);
    }
}
