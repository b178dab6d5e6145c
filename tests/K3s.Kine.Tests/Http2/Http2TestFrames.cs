using System.IO.Pipelines;
using System.Text;
using K3s.Kine.Server.Http2;
using Microsoft.Extensions.Logging;

namespace K3s.Kine.Tests.Http2;

/// <summary>Builds HTTP/2 client byte streams and reads back what the rewriter makes of them.</summary>
internal static class Http2TestFrames
{
    public static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte Priority = 0x2;
    public const byte Settings = 0x4;
    public const byte Ping = 0x6;
    public const byte WindowUpdate = 0x8;
    public const byte Continuation = 0x9;

    public sealed record Frame(byte Type, byte Flags, int StreamId, byte[] Payload);

    public static byte[] Bytes(Frame frame)
    {
        var bytes = new byte[Http2FrameHeader.Size + frame.Payload.Length];
        new Http2FrameHeader(frame.Payload.Length, frame.Type, frame.Flags, frame.StreamId).Write(bytes);
        frame.Payload.CopyTo(bytes, Http2FrameHeader.Size);
        return bytes;
    }

    /// <summary>The preface and then the frames, as a client sends them.</summary>
    public static byte[] Connection(params Frame[] frames) => [.. Preface, .. frames.SelectMany(Bytes)];

    public static List<Frame> ReadFrames(ReadOnlySpan<byte> bytes)
    {
        var frames = new List<Frame>();
        while (!bytes.IsEmpty)
        {
            var header = Http2FrameHeader.Read(bytes);
            frames.Add(new Frame(header.Type, header.Flags, header.StreamId, bytes.Slice(Http2FrameHeader.Size, header.Length).ToArray()));
            bytes = bytes[(Http2FrameHeader.Size + header.Length)..];
        }
        return frames;
    }

    /// <summary>What the server receives: the preface (checked) and its frames.</summary>
    public static List<Frame> ReadConnection(byte[] bytes)
    {
        Assert.Equal(Preface, bytes[..Preface.Length]);
        return ReadFrames(bytes.AsSpan(Preface.Length));
    }

    /// <summary>
    /// A rewritten header block's fields; each must be a literal with a new name and no Huffman
    /// coding, so that reading it needs no table.
    /// </summary>
    public static List<(string Name, string Value, bool NeverIndexed)> ReadPlainLiterals(ReadOnlySpan<byte> block)
    {
        var fields = new List<(string, string, bool)>();
        while (!block.IsEmpty)
        {
            Assert.True(block[0] is 0x00 or 0x10, $"representation 0x{block[0]:x2} is not a literal with a new name");
            var neverIndexed = block[0] == 0x10;
            block = block[1..];
            var name = ReadPlainString(ref block);
            var value = ReadPlainString(ref block);
            fields.Add((name, value, neverIndexed));
        }
        return fields;
    }

    private static string ReadPlainString(ref ReadOnlySpan<byte> block)
    {
        Assert.Equal(0, block[0] & 0x80); // no Huffman
        var length = block[0] & 0x7f;
        var position = 1;
        if (length == 0x7f)
        {
            for (var shift = 0; ; shift += 7)
            {
                var octet = block[position++];
                length += (octet & 0x7f) << shift;
                if ((octet & 0x80) == 0)
                    break;
            }
        }
        var value = Encoding.Latin1.GetString(block.Slice(position, length));
        block = block[(position + length)..];
        return value;
    }

    /// <summary>
    /// Runs a rewriter over <paramref name="input"/>, written in chunks of <paramref name="chunkSize"/>
    /// bytes, and returns all it wrote, with the exception the output completed with, if any. A
    /// warning (an unexpected exception inside the rewriter) fails the test.
    /// </summary>
    public static async Task<(byte[] Output, Exception? Error)> RewriteAsync(byte[] input, int chunkSize = int.MaxValue,
        Exception? inputError = null)
    {
        var inputPipe = new Pipe();
        var outputPipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var logger = new WarningRecorder();
        using var rewriter = new Http2HeaderRewriter(logger: logger);
        var running = rewriter.RunAsync(inputPipe.Reader, outputPipe.Writer);
        for (var offset = 0; offset < input.Length; offset += chunkSize)
        {
            var flushed = await inputPipe.Writer.WriteAsync(input.AsMemory(offset, Math.Min(chunkSize, input.Length - offset)));
            if (flushed.IsCompleted)
                break;
        }
        await inputPipe.Writer.CompleteAsync(inputError);
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(logger.Warnings);

        var output = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await outputPipe.Reader.ReadAsync();
                foreach (var segment in result.Buffer)
                    output.Write(segment.Span);
                outputPipe.Reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                    return (output.ToArray(), null);
            }
        }
        catch (Exception exception)
        {
            return (output.ToArray(), exception);
        }
    }

    private sealed class WarningRecorder : ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
                Warnings.Add(formatter(state, exception) + " " + exception);
        }
    }
}
