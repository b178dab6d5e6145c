using System.IO.Pipelines;
using System.Text;
using K3s.Kine.Server.Http2;
using static K3s.Kine.Tests.Http2.Http2TestFrames;

namespace K3s.Kine.Tests.Http2;

public sealed class Http2HeaderRewriterTests
{
    private const byte EndStream = 0x1;
    private const byte EndHeaders = 0x4;
    private const byte Padded = 0x8;
    private const byte PriorityFlag = 0x20;

    private const string SocketPath = "/var/lib/rancher/k3s/server/kine.sock";

    private static readonly Frame ClientSettings = new(Settings, 0, 0, [0x00, 0x02, 0x00, 0x00, 0x00, 0x00]);

    /// <summary>A gRPC request as grpc-go encodes it: Huffman strings, indexed into the dynamic table.</summary>
    private static byte[] FirstRequest(string authority) => new HpackBlockBuilder()
        .Indexed(3) // :method POST
        .Indexed(6) // :scheme http
        .Incremental(4, "/etcdserverpb.KV/Put") // :path
        .Incremental(1, authority) // :authority
        .Incremental(31, "application/grpc") // content-type
        .Incremental("user-agent", "etcdctl/3.4.23 grpc-go/1.26.0")
        .Incremental("te", "trailers")
        .NeverIndexed("token", "secret")
        .WithoutIndexing("grpc-timeout", "9999757u", huffman: false)
        .ToArray();

    private static readonly (string, string, bool)[] FirstRequestFields =
    [
        (":method", "POST", false), (":scheme", "http", false), (":path", "/etcdserverpb.KV/Put", false),
        (":authority", "localhost", false), ("content-type", "application/grpc", false),
        ("user-agent", "etcdctl/3.4.23 grpc-go/1.26.0", false), ("te", "trailers", false), ("token", "secret", true),
        ("grpc-timeout", "9999757u", false),
    ];

    private static List<(string Name, string Value, bool NeverIndexed)> Fields(Frame headers) =>
        ReadPlainLiterals(headers.Payload.AsSpan((headers.Flags & PriorityFlag) != 0 ? 5 : 0));

    [Fact]
    public async Task Replaces_an_invalid_authority_and_keeps_every_other_field()
    {
        var (output, error) = await RewriteAsync(Connection(ClientSettings, new Frame(Headers, EndHeaders, 1, FirstRequest(SocketPath))));

        Assert.Null(error);
        var frames = ReadConnection(output);
        Assert.Equal(2, frames.Count);
        Assert.Equal((Settings, (byte)0, 0), (frames[0].Type, frames[0].Flags, frames[0].StreamId));
        Assert.Equal(ClientSettings.Payload, frames[0].Payload);
        Assert.Equal((Headers, EndHeaders, 1), (frames[1].Type, frames[1].Flags, frames[1].StreamId));
        Assert.Equal(FirstRequestFields, Fields(frames[1]));
    }

    [Fact]
    public async Task Follows_the_clients_dynamic_table_across_requests()
    {
        // The second request refers to the first one's entries, newest first: te (62), user-agent,
        // content-type, :authority (65) and :path (66).
        var second = new HpackBlockBuilder().Indexed(3).Indexed(6).Indexed(66).Indexed(65).Indexed(64).Indexed(63).Indexed(62).ToArray();
        var (output, _) = await RewriteAsync(Connection(
            new Frame(Headers, EndHeaders, 1, FirstRequest("http://127.0.0.1:2379")),
            new Frame(Headers, EndHeaders | EndStream, 3, second)));

        var frames = ReadConnection(output);
        Assert.Equal((3, EndHeaders | EndStream), (frames[1].StreamId, frames[1].Flags));
        Assert.Equal(
            [
                (":method", "POST", false), (":scheme", "http", false), (":path", "/etcdserverpb.KV/Put", false),
                (":authority", "localhost", false), ("content-type", "application/grpc", false),
                ("user-agent", "etcdctl/3.4.23 grpc-go/1.26.0", false), ("te", "trailers", false),
            ],
            Fields(frames[1]));
    }

    [Theory]
    [InlineData("127.0.0.1:2379")]
    [InlineData("localhost")]
    [InlineData("[::1]:2379")]
    [InlineData("")]
    public async Task Leaves_a_valid_authority_as_it_is(string authority)
    {
        var (output, _) = await RewriteAsync(Connection(new Frame(Headers, EndHeaders, 1, FirstRequest(authority))));

        var fields = Fields(ReadConnection(output)[0]);
        Assert.Equal((":authority", authority, false), fields[3]);
        Assert.Equal(FirstRequestFields.Length, fields.Count);
    }

    [Fact]
    public async Task Joins_continuation_frames_into_one_headers_frame()
    {
        var block = FirstRequest(SocketPath);
        var (output, _) = await RewriteAsync(Connection(
            new Frame(Headers, EndStream, 5, block[..10]),
            new Frame(Continuation, 0, 5, block[10..11]),
            new Frame(Continuation, 0, 5, []),
            new Frame(Continuation, EndHeaders, 5, block[11..]),
            new Frame(Ping, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8])));

        var frames = ReadConnection(output);
        Assert.Equal(2, frames.Count);
        Assert.Equal((Headers, EndStream | EndHeaders, 5), (frames[0].Type, frames[0].Flags, frames[0].StreamId));
        Assert.Equal(FirstRequestFields, Fields(frames[0]));
        Assert.Equal(new Frame(Ping, 0, 0, [1, 2, 3, 4, 5, 6, 7, 8]).Payload, frames[1].Payload);
    }

    [Fact]
    public async Task Drops_padding_and_keeps_priority()
    {
        byte[] priority = [0x80, 0x00, 0x00, 0x03, 0xff]; // exclusive, depends on stream 3, weight 256
        byte[] payload = [7, .. priority, .. FirstRequest(SocketPath), 0, 0, 0, 0, 0, 0, 0];
        var (output, _) = await RewriteAsync(Connection(new Frame(Headers, Padded | PriorityFlag | EndStream | EndHeaders, 7, payload)));

        var headers = ReadConnection(output).Single();
        Assert.Equal(PriorityFlag | EndStream | EndHeaders, headers.Flags);
        Assert.Equal(priority, headers.Payload[..5]);
        Assert.Equal(FirstRequestFields, Fields(headers));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Splits_a_large_block_at_16384_bytes(bool withPriority)
    {
        var large = new string('x', 40_000);
        var block = new HpackBlockBuilder().Indexed(3).Incremental(1, SocketPath).WithoutIndexing("large", large).ToArray();
        var firstFlags = (byte)(EndStream | (withPriority ? PriorityFlag : 0));
        byte[] priority = withPriority ? [0, 0, 0, 1, 15] : [];
        var (output, _) = await RewriteAsync(Connection(
            new Frame(Headers, firstFlags, 9, [.. priority, .. block[..16_000]]),
            new Frame(Continuation, 0, 9, block[16_000..32_000]),
            new Frame(Continuation, EndHeaders, 9, block[32_000..])));

        var frames = ReadConnection(output);
        Assert.Equal([Headers, Continuation, Continuation], frames.Select(f => f.Type));
        Assert.Equal([16384, 16384], frames.Take(2).Select(f => f.Payload.Length));
        Assert.All(frames, f => Assert.Equal(9, f.StreamId));
        Assert.Equal([firstFlags, 0, EndHeaders], frames.Select(f => f.Flags));
        Assert.Equal(priority, frames[0].Payload[..priority.Length]);

        byte[] rewritten = [.. frames[0].Payload[priority.Length..], .. frames[1].Payload, .. frames[2].Payload];
        Assert.Equal([(":method", "POST", false), (":authority", "localhost", false), ("large", large, false)], ReadPlainLiterals(rewritten));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(int.MaxValue)]
    public async Task Copies_every_other_frame_unchanged_however_the_bytes_arrive(int chunkSize)
    {
        var data = new byte[16384];
        new Random(chunkSize % 1000).NextBytes(data);
        // Bytes that look like frame headers inside DATA must not be read as frames.
        data[0] = 0x00;
        data[1] = 0x00;
        data[2] = 0x05;
        data[3] = Headers;
        Frame[] frames =
        [
            ClientSettings,
            new(WindowUpdate, 0, 0, [0x00, 0x0f, 0x00, 0x01]),
            new(Headers, EndHeaders, 1, FirstRequest("127.0.0.1:2379")),
            new(Data, 0, 1, data),
            new(Data, EndStream, 1, data[..100]),
            new(Priority, 0, 3, [0, 0, 0, 1, 16]),
            new(Ping, 0, 0, [8, 7, 6, 5, 4, 3, 2, 1]),
            new(Data, EndStream | Padded, 1, [3, 1, 2, 0, 0, 0]),
            new(0x42, 0xff, 77, [1, 2, 3]), // an unknown type: passes too
        ];
        var (output, error) = await RewriteAsync(Connection(frames), chunkSize);

        Assert.Null(error);
        var received = ReadConnection(output);
        Assert.Equal(frames.Length, received.Count);
        for (var i = 0; i < frames.Length; i++)
        {
            if (frames[i].Type == Headers)
                continue;
            Assert.Equal((frames[i].Type, frames[i].Flags, frames[i].StreamId), (received[i].Type, received[i].Flags, received[i].StreamId));
            Assert.Equal(frames[i].Payload, received[i].Payload);
        }
    }

    [Fact]
    public async Task Passes_a_connection_that_is_not_HTTP2_through_unchanged()
    {
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: /a/socket\r\n\r\n");
        var (output, error) = await RewriteAsync(request, chunkSize: 3);

        Assert.Null(error);
        Assert.Equal(request, output);
    }

    public static TheoryData<string, byte[]> BrokenConnections() => new()
    {
        { "malformed HPACK", Connection(new Frame(Headers, EndHeaders, 1, [0x80])) },
        { "malformed Huffman", Connection(new Frame(Headers, EndHeaders, 1, [0x00, 0x81, 0x00, 0x81, 0x00])) },
        { "a table size above the limit", Connection(new Frame(Headers, EndHeaders, 1, new HpackBlockBuilder().SizeUpdate(8192).ToArray())) },
        { "a frame above the maximum size", Connection(new Frame(Data, 0, 1, new byte[16385])) },
        { "a headers frame above the maximum size", Connection(new Frame(Headers, EndHeaders, 1, new byte[16385])) },
        { "a frame inside a header block", Connection(new Frame(Headers, 0, 1, [0x82]), new Frame(Data, 0, 1, [1])) },
        { "a continuation of another stream", Connection(new Frame(Headers, 0, 1, [0x82]), new Frame(Continuation, EndHeaders, 3, [0x84])) },
        { "padding longer than the payload", Connection(new Frame(Headers, Padded | EndHeaders, 1, [5, 0x82])) },
        { "a priority that does not fit", Connection(new Frame(Headers, PriorityFlag | EndHeaders, 1, [0, 0, 0])) },
        { "a padded frame without its length", Connection(new Frame(Headers, Padded | EndHeaders, 1, [])) },
    };

    [Theory]
    [MemberData(nameof(BrokenConnections))]
    public async Task Ends_the_input_at_a_protocol_error(string what, byte[] input)
    {
        // A good request first, which the server still gets; then the error ends the input.
        var good = Bytes(new Frame(Headers, EndHeaders | EndStream, 1, FirstRequest(SocketPath)));
        byte[] connection = [.. Preface, .. good, .. input[Preface.Length..], .. Bytes(new Frame(Ping, 0, 0, new byte[8]))];

        var (output, error) = await RewriteAsync(connection);

        Assert.True(error is null, what);
        var frames = ReadConnection(output);
        Assert.Equal(FirstRequestFields, Fields(frames[0]));
        Assert.DoesNotContain(frames, f => f.Type == Ping);
    }

    [Fact]
    public async Task Never_throws_or_hangs_on_random_frames()
    {
        var random = new Random(9113);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var frames = Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
            {
                var payload = new byte[random.Next(0, 64)];
                random.NextBytes(payload);
                var type = random.Next(4) == 0 ? (byte)random.Next(0, 12) : Headers;
                return new Frame(type, (byte)random.Next(256), random.Next(0, 4), payload);
            }).ToArray();

            var (output, error) = await RewriteAsync(Connection(frames), chunkSize: random.Next(1, 40));

            Assert.Null(error);
            Assert.Equal(Preface, output[..Preface.Length]);
        }
    }

    [Fact]
    public async Task Ends_the_input_where_the_client_stopped_mid_frame()
    {
        var block = Bytes(new Frame(Headers, EndHeaders, 1, FirstRequest(SocketPath)));
        var (output, error) = await RewriteAsync([.. Preface, .. block[..^3]]);

        Assert.Null(error);
        Assert.Equal(Preface, output);
    }

    [Fact]
    public async Task Passes_a_broken_connection_on_to_the_server()
    {
        var (_, error) = await RewriteAsync(Preface, inputError: new IOException("connection reset"));

        Assert.IsType<IOException>(error);
    }

    [Fact]
    public async Task Stops_when_the_server_is_done_reading_even_while_the_client_is_silent()
    {
        var input = new Pipe();
        var output = new Pipe();
        using var rewriter = new Http2HeaderRewriter();
        var running = rewriter.RunAsync(input.Reader, output.Writer);
        await input.Writer.WriteAsync(Preface);

        // What the middleware does once Kestrel returns.
        await output.Reader.CompleteAsync();
        input.Reader.CancelPendingRead();

        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True((await input.Writer.FlushAsync()).IsCompleted, "the client's side should be completed");
    }
}
