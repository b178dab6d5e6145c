using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace K3s.Kine.Server.Http2;

/// <summary>
/// Rewrites the client-to-server bytes of an HTTP/2 prior-knowledge connection so Kestrel accepts
/// the requests of etcd clients: every header block is decoded and re-encoded as plain literals
/// (so Kestrel's decoder needs no dynamic table of the client's), with an <c>:authority</c> that is
/// not a valid host[:port] (a unix socket's path, a URL) replaced by <c>localhost</c>.
/// </summary>
/// <remarks>
/// The preface and all other frames pass through unchanged; DATA payloads are copied as they
/// arrive, never read. A HEADERS frame keeps its stream, END_STREAM and priority, loses its padding,
/// and is re-split with CONTINUATION frames at the maximum frame size. Anything that breaks the
/// protocol ends the rewritten input, and so the connection.
/// </remarks>
internal sealed class Http2HeaderRewriter : IHpackHeaderSink, IDisposable
{
    /// <summary>
    /// The most a header block may take, as received and as rewritten; well above Kestrel's own
    /// 32 KiB limit on request headers, and a bound on the blocks gathered from CONTINUATION frames.
    /// </summary>
    public const int MaxHeaderBlockSize = 256 * 1024;

    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    private static ReadOnlySpan<byte> AuthorityName => ":authority"u8;

    private static ReadOnlySpan<byte> Localhost => "localhost"u8;

    private readonly int maxFrameSize;
    private readonly HpackDecoder decoder;
    private readonly ILogger logger;
    private readonly PooledByteBuffer received = new();
    private readonly PooledByteBuffer rewritten = new();
    private readonly byte[] priority = new byte[Http2FrameHeader.PrioritySize];

    private State state = State.Preface;

    /// <summary>Payload bytes of a passed-through frame still to be copied.</summary>
    private long passThroughRemaining;

    private int blockStreamId;
    private bool blockEndStream;
    private bool blockHasPriority;

    /// <param name="maxFrameSize">The largest frame payload the server accepts (its SETTINGS_MAX_FRAME_SIZE).</param>
    /// <param name="headerTableSize">The dynamic table size the server allows the client's encoder (its SETTINGS_HEADER_TABLE_SIZE).</param>
    public Http2HeaderRewriter(int maxFrameSize = 16384, int headerTableSize = HpackDecoder.DefaultTableSize, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 16384);
        this.maxFrameSize = maxFrameSize;
        // Until the client acknowledges the server's settings it may still use the protocol's default.
        decoder = new HpackDecoder(Math.Max(headerTableSize, HpackDecoder.DefaultTableSize));
        this.logger = logger ?? NullLogger.Instance;
    }

    private enum State
    {
        Preface,
        Frames,
        /// <summary>Inside a header block: only CONTINUATION frames of its stream may follow.</summary>
        HeaderBlock,
        /// <summary>Not HTTP/2 prior knowledge: copied as it is, for the server to refuse.</summary>
        Opaque,
    }

    /// <summary>
    /// Copies <paramref name="input"/> to <paramref name="output"/>, rewriting header blocks, until
    /// either side completes or a pending read is cancelled; then completes both. Never throws.
    /// </summary>
    public async Task RunAsync(PipeReader input, PipeWriter output, CancellationToken cancellationToken = default)
    {
        Exception? inputError = null;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(cancellationToken);
                }
                catch (Exception exception)
                {
                    // The connection broke (reset, aborted): the server should see the same.
                    inputError = exception;
                    break;
                }
                if (result.IsCanceled)
                    break;

                var buffer = result.Buffer;
                var ok = Rewrite(ref buffer, output);
                input.AdvanceTo(buffer.Start, buffer.End);
                var flushed = await output.FlushAsync(cancellationToken);
                if (!ok || result.IsCompleted || flushed.IsCompleted || flushed.IsCanceled)
                    break;
            }
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Rewriting the HTTP/2 connection's input failed; closing it.");
        }
        finally
        {
            await input.CompleteAsync();
            await output.CompleteAsync(inputError);
        }
    }

    public void Dispose()
    {
        received.Dispose();
        rewritten.Dispose();
    }

    /// <summary>
    /// Rewrites what it can of <paramref name="buffer"/>, leaving in it what needs more bytes
    /// (part of a frame header, or of a header block frame). False when the input is not valid
    /// HTTP/2, and the connection must end.
    /// </summary>
    private bool Rewrite(ref ReadOnlySequence<byte> buffer, PipeWriter output)
    {
        if (state == State.Preface)
        {
            Span<byte> start = stackalloc byte[Preface.Length];
            var available = (int)Math.Min(buffer.Length, Preface.Length);
            buffer.Slice(0, available).CopyTo(start);
            if (!start[..available].SequenceEqual(Preface[..available]))
                state = State.Opaque;
            else if (available < Preface.Length)
                return true;
            else
            {
                Copy(buffer.Slice(0, Preface.Length), output);
                buffer = buffer.Slice(Preface.Length);
                state = State.Frames;
            }
        }
        if (state == State.Opaque)
        {
            Copy(buffer, output);
            buffer = buffer.Slice(buffer.End);
            return true;
        }

        Span<byte> headerBytes = stackalloc byte[Http2FrameHeader.Size];
        while (true)
        {
            if (passThroughRemaining > 0)
            {
                var chunk = Math.Min(passThroughRemaining, buffer.Length);
                Copy(buffer.Slice(0, chunk), output);
                buffer = buffer.Slice(chunk);
                passThroughRemaining -= chunk;
                if (passThroughRemaining > 0)
                    return true;
            }
            if (buffer.Length < Http2FrameHeader.Size)
                return true;

            buffer.Slice(0, Http2FrameHeader.Size).CopyTo(headerBytes);
            var frame = Http2FrameHeader.Read(headerBytes);
            if (frame.Length > maxFrameSize)
                return Fail($"a frame of {frame.Length} bytes exceeds the maximum frame size of {maxFrameSize}");

            if (state == State.HeaderBlock)
            {
                // RFC 9113 section 6.10: a header block is continued only by CONTINUATION frames of its stream.
                if (frame.Type != Http2FrameHeader.ContinuationType || frame.StreamId != blockStreamId)
                    return Fail($"a frame of type {frame.Type} on stream {frame.StreamId} interrupts the header block of stream {blockStreamId}");
            }
            else if (frame.Type != Http2FrameHeader.HeadersType)
            {
                // Passes through; the payload is copied as it arrives, unread. (A stray CONTINUATION
                // frame passes too, for the server to refuse.)
                Copy(buffer.Slice(0, Http2FrameHeader.Size), output);
                buffer = buffer.Slice(Http2FrameHeader.Size);
                passThroughRemaining = frame.Length;
                continue;
            }

            if (buffer.Length < Http2FrameHeader.Size + frame.Length)
                return true;
            var payload = buffer.Slice(Http2FrameHeader.Size, frame.Length);
            buffer = buffer.Slice(Http2FrameHeader.Size + frame.Length);
            var gathered = frame.Type == Http2FrameHeader.HeadersType ? StartHeaderBlock(frame, payload) : Gather(payload);
            if (!gathered)
                return false;
            if (frame.Has(Http2FrameHeader.EndHeadersFlag) && !EndHeaderBlock(output))
                return false;
        }
    }

    /// <summary>A HEADERS frame: keeps what the rewritten one needs, drops the padding, gathers the fragment.</summary>
    private bool StartHeaderBlock(Http2FrameHeader frame, ReadOnlySequence<byte> payload)
    {
        var padLength = 0;
        if (frame.Has(Http2FrameHeader.PaddedFlag))
        {
            if (payload.IsEmpty)
                return Fail("a padded HEADERS frame has no pad length");
            padLength = payload.FirstSpan[0];
            payload = payload.Slice(1);
        }
        blockHasPriority = frame.Has(Http2FrameHeader.PriorityFlag);
        if (blockHasPriority)
        {
            if (payload.Length < Http2FrameHeader.PrioritySize)
                return Fail("a HEADERS frame is too short for its priority");
            payload.Slice(0, Http2FrameHeader.PrioritySize).CopyTo(priority);
            payload = payload.Slice(Http2FrameHeader.PrioritySize);
        }
        if (padLength > payload.Length)
            return Fail("a HEADERS frame's padding is longer than its payload");

        blockStreamId = frame.StreamId;
        blockEndStream = frame.Has(Http2FrameHeader.EndStreamFlag);
        state = State.HeaderBlock;
        return Gather(payload.Slice(0, payload.Length - padLength));
    }

    private bool Gather(in ReadOnlySequence<byte> fragment)
    {
        if (received.WrittenCount + fragment.Length > MaxHeaderBlockSize)
            return Fail($"a header block exceeds {MaxHeaderBlockSize} bytes");
        received.Write(fragment);
        return true;
    }

    /// <summary>Decodes the gathered block, re-encoding its fields, and writes it out as frames.</summary>
    private bool EndHeaderBlock(PipeWriter output)
    {
        try
        {
            decoder.Decode(received.WrittenSpan, this);
        }
        catch (HpackDecodingException exception)
        {
            rewritten.Clear();
            return Fail(exception.Message);
        }
        finally
        {
            received.Clear();
        }
        WriteHeaderFrames(output, rewritten.WrittenSpan);
        rewritten.Clear();
        state = State.Frames;
        return true;
    }

    void IHpackHeaderSink.OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed)
    {
        if (name.SequenceEqual(AuthorityName) && !AuthorityValidator.IsValidHostAndPort(value))
            value = Localhost;
        if (rewritten.WrittenCount + HpackLiteralEncoder.MaxEncodedLength(name.Length, value.Length) > MaxHeaderBlockSize)
            throw new HpackDecodingException($"a rewritten header block exceeds {MaxHeaderBlockSize} bytes");
        HpackLiteralEncoder.Write(rewritten, name, value, neverIndexed);
    }

    /// <summary>HEADERS (with the priority, if any) and as many CONTINUATION frames as the size limit needs.</summary>
    private void WriteHeaderFrames(PipeWriter output, ReadOnlySpan<byte> block)
    {
        var prioritySize = blockHasPriority ? Http2FrameHeader.PrioritySize : 0;
        var first = Math.Min(block.Length, maxFrameSize - prioritySize);
        var flags = (byte)((blockEndStream ? Http2FrameHeader.EndStreamFlag : 0)
            | (blockHasPriority ? Http2FrameHeader.PriorityFlag : 0)
            | (first == block.Length ? Http2FrameHeader.EndHeadersFlag : 0));
        WriteFrameHeader(output, new(prioritySize + first, Http2FrameHeader.HeadersType, flags, blockStreamId));
        if (blockHasPriority)
            output.Write(priority);
        output.Write(block[..first]);

        for (block = block[first..]; !block.IsEmpty; block = block[Math.Min(block.Length, maxFrameSize)..])
        {
            var size = Math.Min(block.Length, maxFrameSize);
            var last = size == block.Length ? Http2FrameHeader.EndHeadersFlag : (byte)0;
            WriteFrameHeader(output, new(size, Http2FrameHeader.ContinuationType, last, blockStreamId));
            output.Write(block[..size]);
        }
    }

    private static void WriteFrameHeader(PipeWriter output, Http2FrameHeader frame)
    {
        frame.Write(output.GetSpan(Http2FrameHeader.Size));
        output.Advance(Http2FrameHeader.Size);
    }

    private static void Copy(in ReadOnlySequence<byte> bytes, PipeWriter output)
    {
        foreach (var segment in bytes)
            output.Write(segment.Span);
    }

    private bool Fail(string reason)
    {
        logger.LogDebug("Closing an HTTP/2 connection whose input cannot be rewritten: {Reason}.", reason);
        return false;
    }
}
