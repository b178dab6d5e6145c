using System.Buffers;

namespace K3s.Kine.Server.Http2;

/// <summary>
/// A growable byte buffer on <see cref="ArrayPool{T}"/> arrays, reused for one header block after
/// another: clearing keeps a small array and gives a large one back, so a connection that once
/// sent a big block does not hold on to it.
/// </summary>
internal sealed class PooledByteBuffer : IBufferWriter<byte>, IDisposable
{
    private const int RetainedCapacity = 16 * 1024;

    private byte[] array = [];
    private int written;

    public int WrittenCount => written;

    public ReadOnlySpan<byte> WrittenSpan => array.AsSpan(0, written);

    public void Write(in ReadOnlySequence<byte> bytes)
    {
        var length = checked((int)bytes.Length);
        bytes.CopyTo(GetSpan(length));
        written += length;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, array.Length - written);
        written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return array.AsMemory(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return array.AsSpan(written);
    }

    public void Clear()
    {
        written = 0;
        if (array.Length > RetainedCapacity)
            ReturnArray();
    }

    public void Dispose()
    {
        written = 0;
        ReturnArray();
    }

    private void Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (array.Length - written >= sizeHint)
            return;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(checked(written + sizeHint), array.Length * 2));
        array.AsSpan(0, written).CopyTo(larger);
        ReturnArray();
        array = larger;
    }

    private void ReturnArray()
    {
        if (array.Length > 0)
            ArrayPool<byte>.Shared.Return(array);
        array = [];
    }
}
