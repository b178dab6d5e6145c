using System.Buffers.Binary;

namespace K3s.Kine.Server.Http2;

/// <summary>The 9-octet header that starts every HTTP/2 frame (RFC 9113 section 4.1).</summary>
internal readonly record struct Http2FrameHeader(int Length, byte Type, byte Flags, int StreamId)
{
    public const int Size = 9;

    public const byte HeadersType = 0x1;
    public const byte ContinuationType = 0x9;

    public const byte EndStreamFlag = 0x1;
    public const byte EndHeadersFlag = 0x4;
    public const byte PaddedFlag = 0x8;
    public const byte PriorityFlag = 0x20;

    /// <summary>What a HEADERS frame with the PRIORITY flag carries first: dependency and weight.</summary>
    public const int PrioritySize = 5;

    public bool Has(byte flag) => (Flags & flag) != 0;

    public static Http2FrameHeader Read(ReadOnlySpan<byte> header) => new(
        header[0] << 16 | header[1] << 8 | header[2],
        header[3],
        header[4],
        BinaryPrimitives.ReadInt32BigEndian(header[5..]) & int.MaxValue); // the reserved bit is ignored

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)(Length >> 16);
        destination[1] = (byte)(Length >> 8);
        destination[2] = (byte)Length;
        destination[3] = Type;
        destination[4] = Flags;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], StreamId);
    }
}
