namespace K3s.Kine.Server.Http2;

/// <summary>
/// HPACK's dynamic table (RFC 7541 sections 2.3.2 and 4): index 1 is the newest entry, and the oldest
/// entries are evicted to keep the table's size (name + value + 32 per entry) within its maximum.
/// </summary>
/// <remarks>
/// Entries live contiguously in one buffer twice the size limit, in insertion order, wrapping to
/// the start when the end has no room. The live bytes never exceed the limit, so a new entry always
/// finds a contiguous gap: adding never allocates and lookups hand out spans.
/// </remarks>
internal sealed class HpackDynamicTable
{
    /// <summary>What RFC 7541 section 4.1 counts for each entry besides its name and value.</summary>
    public const int EntryOverhead = 32;

    private readonly byte[] storage;
    private readonly Entry[] entries;
    private int oldest;

    /// <param name="sizeLimit">The most a size update may set (the server's SETTINGS_HEADER_TABLE_SIZE).</param>
    /// <param name="maxSize">The maximum size to start with.</param>
    public HpackDynamicTable(int sizeLimit, int maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeLimit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxSize, sizeLimit);
        SizeLimit = sizeLimit;
        MaxSize = maxSize;
        storage = new byte[2 * sizeLimit];
        entries = new Entry[sizeLimit / EntryOverhead + 1];
    }

    public int SizeLimit { get; }

    public int MaxSize { get; private set; }

    /// <summary>The table's size as RFC 7541 counts it.</summary>
    public int Size { get; private set; }

    public int Count { get; private set; }

    /// <param name="index">1 (newest) to <see cref="Count"/>.</param>
    public ReadOnlySpan<byte> Name(int index)
    {
        var entry = At(index);
        return storage.AsSpan(entry.Offset, entry.NameLength);
    }

    /// <param name="index">1 (newest) to <see cref="Count"/>.</param>
    public ReadOnlySpan<byte> Value(int index)
    {
        var entry = At(index);
        return storage.AsSpan(entry.Offset + entry.NameLength, entry.ValueLength);
    }

    /// <summary>A dynamic table size update; the caller checks it against <see cref="SizeLimit"/>.</summary>
    public void SetMaxSize(int maxSize)
    {
        MaxSize = maxSize;
        EvictUntilSizeIsAtMost(maxSize);
    }

    /// <summary>
    /// Adds an entry. Its name must not be a span of this table: adding may evict and overwrite it.
    /// An entry larger than the maximum size empties the table (RFC 7541 section 4.4).
    /// </summary>
    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var size = name.Length + value.Length + EntryOverhead;
        if (size > MaxSize)
        {
            EvictUntilSizeIsAtMost(0);
            return;
        }
        EvictUntilSizeIsAtMost(MaxSize - size);
        var offset = FreeOffset(name.Length + value.Length);
        name.CopyTo(storage.AsSpan(offset));
        value.CopyTo(storage.AsSpan(offset + name.Length));
        entries[(oldest + Count) % entries.Length] = new Entry(offset, name.Length, value.Length);
        Count++;
        Size += size;
    }

    private Entry At(int index)
    {
        if (index < 1 || index > Count)
            throw new ArgumentOutOfRangeException(nameof(index));
        return entries[(oldest + Count - index) % entries.Length];
    }

    private void EvictUntilSizeIsAtMost(int size)
    {
        while (Size > size)
        {
            var entry = entries[oldest];
            Size -= entry.NameLength + entry.ValueLength + EntryOverhead;
            oldest = (oldest + 1) % entries.Length;
            Count--;
        }
    }

    /// <summary>Where <paramref name="length"/> bytes fit after the newest entry, wrapping if needed.</summary>
    private int FreeOffset(int length)
    {
        if (Count == 0)
            return 0;
        var start = entries[oldest].Offset;
        var newest = entries[(oldest + Count - 1) % entries.Length];
        var end = newest.Offset + newest.NameLength + newest.ValueLength;
        if (start <= end)
        {
            // Live bytes are [start, end): room at the tail, else at the head.
            if (storage.Length - end >= length)
                return end;
            if (start >= length)
                return 0;
        }
        else if (start - end >= length)
        {
            // Wrapped: the gap is [end, start).
            return end;
        }
        // Live bytes plus the new entry fit in half the buffer, so one of the gaps always fits.
        throw new InvalidOperationException("HPACK dynamic table storage has no contiguous room.");
    }

    private readonly record struct Entry(int Offset, int NameLength, int ValueLength);
}
