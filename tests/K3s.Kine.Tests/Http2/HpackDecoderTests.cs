using System.Text;
using K3s.Kine.Server.Http2;
using static K3s.Kine.Tests.Http2.HpackTestEncoding;

namespace K3s.Kine.Tests.Http2;

/// <summary>The examples of RFC 7541 Appendix C, and the decoder's refusals.</summary>
public sealed class HpackDecoderTests
{
    private static List<(string Name, string Value)> Decode(HpackDecoder decoder, string hex)
    {
        var collector = new HeaderCollector();
        decoder.Decode(Hex(hex), collector);
        return collector.Fields;
    }

    private static List<(string Name, string Value)> Decode(HpackDecoder decoder, byte[] block)
    {
        var collector = new HeaderCollector();
        decoder.Decode(block, collector);
        return collector.Fields;
    }

    /// <summary>The dynamic table, newest first, as "name: value".</summary>
    private static string[] Table(HpackDecoder decoder) =>
        Enumerable.Range(1, decoder.DynamicTable.Count)
            .Select(i => Encoding.Latin1.GetString(decoder.DynamicTable.Name(i)) + ": " + Encoding.Latin1.GetString(decoder.DynamicTable.Value(i)))
            .ToArray();

    [Fact]
    public void C2_1_literal_with_indexing()
    {
        var decoder = new HpackDecoder();
        Assert.Equal([("custom-key", "custom-header")], Decode(decoder, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        Assert.Equal(["custom-key: custom-header"], Table(decoder));
        Assert.Equal(55, decoder.DynamicTable.Size);
    }

    [Fact]
    public void C2_2_literal_without_indexing()
    {
        var decoder = new HpackDecoder();
        Assert.Equal([(":path", "/sample/path")], Decode(decoder, "040c 2f73 616d 706c 652f 7061 7468"));
        Assert.Empty(Table(decoder));
    }

    [Fact]
    public void C2_3_literal_never_indexed()
    {
        var decoder = new HpackDecoder();
        var collector = new HeaderCollector();
        decoder.Decode(Hex("1008 7061 7373 776f 7264 0673 6563 7265 74"), collector);
        Assert.Equal([("password", "secret")], collector.Fields);
        Assert.Equal([true], collector.NeverIndexed);
        Assert.Empty(Table(decoder));
    }

    [Fact]
    public void C2_4_indexed()
    {
        var decoder = new HpackDecoder();
        Assert.Equal([(":method", "GET")], Decode(decoder, "82"));
        Assert.Empty(Table(decoder));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void C3_and_C4_requests_share_the_dynamic_table(bool huffman)
    {
        var decoder = new HpackDecoder();

        var first = huffman ? "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff" : "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d";
        Assert.Equal([(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")], Decode(decoder, first));
        Assert.Equal([":authority: www.example.com"], Table(decoder));
        Assert.Equal(57, decoder.DynamicTable.Size);

        var second = huffman ? "8286 84be 5886 a8eb 1064 9cbf" : "8286 84be 5808 6e6f 2d63 6163 6865";
        Assert.Equal([(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com"), ("cache-control", "no-cache")],
            Decode(decoder, second));
        Assert.Equal(["cache-control: no-cache", ":authority: www.example.com"], Table(decoder));
        Assert.Equal(110, decoder.DynamicTable.Size);

        var third = huffman
            ? "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"
            : "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65";
        Assert.Equal([(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")],
            Decode(decoder, third));
        Assert.Equal(["custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com"], Table(decoder));
        Assert.Equal(164, decoder.DynamicTable.Size);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void C5_and_C6_responses_evict_from_a_256_octet_table(bool huffman)
    {
        var decoder = new HpackDecoder(maxTableSize: 256);

        var first = huffman
            ? "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3"
            : "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 "
              + "7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d";
        Assert.Equal(
            [(":status", "302"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")],
            Decode(decoder, first));
        Assert.Equal(
            ["location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT", "cache-control: private", ":status: 302"],
            Table(decoder));
        Assert.Equal(222, decoder.DynamicTable.Size);

        var second = huffman ? "4883 640e ffc1 c0bf" : "4803 3330 37c1 c0bf";
        Assert.Equal(
            [(":status", "307"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:21 GMT"), ("location", "https://www.example.com")],
            Decode(decoder, second));
        Assert.Equal(
            [":status: 307", "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT", "cache-control: private"],
            Table(decoder));
        Assert.Equal(222, decoder.DynamicTable.Size);

        var third = huffman
            ? "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b "
              + "3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"
            : "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 "
              + "444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31";
        Assert.Equal(
            [(":status", "200"), ("cache-control", "private"), ("date", "Mon, 21 Oct 2013 20:13:22 GMT"), ("location", "https://www.example.com"),
             ("content-encoding", "gzip"), ("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1")],
            Decode(decoder, third));
        Assert.Equal(
            ["set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1", "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT"],
            Table(decoder));
        Assert.Equal(215, decoder.DynamicTable.Size);
    }

    [Fact]
    public void Size_updates_shrink_and_grow_the_table_within_the_limit()
    {
        var decoder = new HpackDecoder();
        Decode(decoder, new HpackBlockBuilder().Incremental("a", "1").Incremental("b", "2").ToArray());
        Assert.Equal(2, decoder.DynamicTable.Count);

        // Down to one entry's size evicts the oldest; to 0 empties; back up is allowed.
        Decode(decoder, new HpackBlockBuilder().SizeUpdate(34).ToArray());
        Assert.Equal(["b: 2"], Table(decoder));
        Assert.Equal([("x", "y")], Decode(decoder, new HpackBlockBuilder().SizeUpdate(0).SizeUpdate(4096).Incremental("x", "y").ToArray()));
        Assert.Equal(["x: y"], Table(decoder));
        Assert.Equal(4096, decoder.DynamicTable.MaxSize);
    }

    [Fact]
    public void An_entry_larger_than_the_table_empties_it()
    {
        var decoder = new HpackDecoder(maxTableSize: 256);
        Decode(decoder, new HpackBlockBuilder().Incremental("a", "1").ToArray());
        var large = new string('v', 300);
        Assert.Equal([("big", large)], Decode(decoder, new HpackBlockBuilder().Incremental("big", large).ToArray()));
        Assert.Empty(Table(decoder));
        Assert.Equal(0, decoder.DynamicTable.Size);
    }

    [Fact]
    public void A_name_from_the_dynamic_table_survives_the_eviction_of_its_entry()
    {
        // Each entry takes most of the table, so adding the second evicts the first, whose name it uses.
        var decoder = new HpackDecoder(maxTableSize: 100);
        var name = new string('n', 30);
        Decode(decoder, new HpackBlockBuilder().Incremental(name, "first").ToArray());
        Assert.Equal([(name, "second")], Decode(decoder, new HpackBlockBuilder().Incremental(HpackStaticTable.Count + 1, "second").ToArray()));
        Assert.Equal([name + ": second"], Table(decoder));
    }

    [Fact]
    public void Indexes_the_static_table_then_the_dynamic_table_newest_first()
    {
        var decoder = new HpackDecoder();
        Decode(decoder, new HpackBlockBuilder().Incremental("old", "1").Incremental("new", "2").ToArray());
        Assert.Equal([("www-authenticate", ""), ("new", "2"), ("old", "1"), ("old", "x")],
            Decode(decoder, new HpackBlockBuilder().Indexed(61).Indexed(62).Indexed(63).WithoutIndexing(63, "x").ToArray()));
    }

    public static TheoryData<string, byte[]> MalformedBlocks() => new()
    {
        { "index 0", [0x80] },
        { "index past the dynamic table", [0xbe] },
        { "name index past the tables", new HpackBlockBuilder().WithoutIndexing(70, "v").ToArray() },
        { "string past the end", [0x00, 0x05, (byte)'a'] },
        { "missing value", [0x00, 0x01, (byte)'a'] },
        { "integer past the end", [0xff] },
        { "integer overflow", [0xff, 0xff, 0xff, 0xff, 0xff, 0x7f] },
        { "size update above the limit", new HpackBlockBuilder().SizeUpdate(4097).ToArray() },
        { "size update after a field", new HpackBlockBuilder().Indexed(2).SizeUpdate(0).ToArray() },
        { "Huffman padding of zeros", [0x00, 0x81, 0x00, 0x00] },
        { "Huffman end of string", [0x00, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00] },
    };

    [Theory]
    [MemberData(nameof(MalformedBlocks))]
    public void Refuses_a_malformed_block(string what, byte[] block)
    {
        Assert.NotNull(what);
        Assert.Throws<HpackDecodingException>(() => Decode(new HpackDecoder(), block));
    }
}
