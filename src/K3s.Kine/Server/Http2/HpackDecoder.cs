using System.Buffers;

namespace K3s.Kine.Server.Http2;

/// <summary>
/// An HPACK decoder (RFC 7541) for the header blocks of one connection, which must all pass
/// through it in order: it keeps the dynamic table the peer's encoder refers to.
/// </summary>
internal sealed class HpackDecoder
{
    /// <summary>
    /// SETTINGS_HEADER_TABLE_SIZE's initial value (RFC 7540 section 6.5.2): the encoder's table size
    /// until it signals another with a size update.
    /// </summary>
    public const int DefaultTableSize = 4096;

    private const int StaticCount = HpackStaticTable.Count;

    private readonly HpackDynamicTable table;

    /// <param name="maxTableSize">The most the encoder may grow its table to (the SETTINGS_HEADER_TABLE_SIZE sent to it).</param>
    public HpackDecoder(int maxTableSize = DefaultTableSize) =>
        table = new HpackDynamicTable(maxTableSize, Math.Min(DefaultTableSize, maxTableSize));

    internal HpackDynamicTable DynamicTable => table;

    /// <summary>Decodes a complete header block, handing each field to <paramref name="sink"/> in order.</summary>
    /// <exception cref="HpackDecodingException">The block is malformed; the connection cannot go on.</exception>
    public void Decode(ReadOnlySpan<byte> block, IHpackHeaderSink sink)
    {
        // Room for a field's Huffman-coded strings, or a dynamic-table name being re-added and a value.
        var scratch = ArrayPool<byte>.Shared.Rent(HuffmanDecoder.MaxDecodedLength(block.Length) + table.SizeLimit);
        try
        {
            Decode(block, sink, scratch);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private void Decode(ReadOnlySpan<byte> block, IHpackHeaderSink sink, byte[] scratch)
    {
        var position = 0;
        var fieldSeen = false;
        while (position < block.Length)
        {
            var scratchUsed = 0; // the previous field's strings are no longer needed
            var first = block[position];
            if ((first & 0x80) != 0)
            {
                // Indexed header field (section 6.1).
                var index = ReadInteger(block, ref position, 7);
                sink.OnHeader(Name(index), Value(index), neverIndexed: false);
                fieldSeen = true;
            }
            else if ((first & 0x40) != 0)
            {
                // Literal header field with incremental indexing (section 6.2.1). A name from the
                // dynamic table is copied first: adding the entry may evict it.
                var name = ReadName(block, ref position, 6, scratch, ref scratchUsed, copyDynamicName: true);
                var value = ReadString(block, ref position, scratch, ref scratchUsed);
                table.Add(name, value);
                sink.OnHeader(name, value, neverIndexed: false);
                fieldSeen = true;
            }
            else if ((first & 0x20) != 0)
            {
                // Dynamic table size update (section 6.3): only at the start of a block (section 4.2),
                // and within the limit the decoder announced.
                if (fieldSeen)
                    throw new HpackDecodingException("A dynamic table size update follows a header field.");
                var size = ReadInteger(block, ref position, 5);
                if (size > table.SizeLimit)
                    throw new HpackDecodingException($"A dynamic table size update to {size} exceeds the limit of {table.SizeLimit}.");
                table.SetMaxSize(size);
            }
            else
            {
                // Literal header field without indexing (section 6.2.2) or never indexed (section 6.2.3).
                var neverIndexed = (first & 0x10) != 0;
                var name = ReadName(block, ref position, 4, scratch, ref scratchUsed, copyDynamicName: false);
                var value = ReadString(block, ref position, scratch, ref scratchUsed);
                sink.OnHeader(name, value, neverIndexed);
                fieldSeen = true;
            }
        }
    }

    private ReadOnlySpan<byte> Name(int index)
    {
        CheckIndex(index);
        return index <= StaticCount ? HpackStaticTable.Name(index) : table.Name(index - StaticCount);
    }

    private ReadOnlySpan<byte> Value(int index)
    {
        CheckIndex(index);
        return index <= StaticCount ? HpackStaticTable.Value(index) : table.Value(index - StaticCount);
    }

    private void CheckIndex(int index)
    {
        if (index == 0 || index > StaticCount + table.Count)
            throw new HpackDecodingException($"Header index {index} is not in the static or dynamic table.");
    }

    /// <summary>A literal's name: an index with the representation's prefix, or a string after index 0.</summary>
    private ReadOnlySpan<byte> ReadName(ReadOnlySpan<byte> block, ref int position, int prefixBits, byte[] scratch,
        ref int scratchUsed, bool copyDynamicName)
    {
        var index = ReadInteger(block, ref position, prefixBits);
        if (index == 0)
            return ReadString(block, ref position, scratch, ref scratchUsed);
        var name = Name(index);
        if (!copyDynamicName || index <= StaticCount)
            return name;
        var copy = scratch.AsSpan(scratchUsed, name.Length);
        name.CopyTo(copy);
        scratchUsed += name.Length;
        return copy;
    }

    /// <summary>A string literal (section 5.2): raw bytes of the block, or Huffman-decoded into scratch.</summary>
    private static ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> block, ref int position, byte[] scratch, ref int scratchUsed)
    {
        if (position >= block.Length)
            throw new HpackDecodingException("The header block ends before a string literal.");
        var huffman = (block[position] & 0x80) != 0;
        var length = ReadInteger(block, ref position, 7);
        if (length > block.Length - position)
            throw new HpackDecodingException("A string literal runs past the end of the header block.");
        var encoded = block.Slice(position, length);
        position += length;
        if (!huffman)
            return encoded;
        var destination = scratch.AsSpan(scratchUsed);
        if (!HuffmanDecoder.TryDecode(encoded, destination, out var written))
            throw new HpackDecodingException("A Huffman-coded string literal is malformed.");
        scratchUsed += written;
        return destination[..written];
    }

    /// <summary>An integer with an N-bit prefix (section 5.1), refused beyond <see cref="int.MaxValue"/>.</summary>
    private static int ReadInteger(ReadOnlySpan<byte> block, ref int position, int prefixBits)
    {
        var prefixMax = (1 << prefixBits) - 1;
        var value = block[position++] & prefixMax;
        if (value < prefixMax)
            return value;
        for (var shift = 0; ; shift += 7)
        {
            if (position >= block.Length)
                throw new HpackDecodingException("The header block ends inside an integer.");
            if (shift > 28)
                throw new HpackDecodingException("An integer in the header block is too large.");
            var octet = block[position++];
            var sum = value + ((long)(octet & 0x7f) << shift);
            if (sum > int.MaxValue)
                throw new HpackDecodingException("An integer in the header block is too large.");
            value = (int)sum;
            if ((octet & 0x80) == 0)
                return value;
        }
    }
}
