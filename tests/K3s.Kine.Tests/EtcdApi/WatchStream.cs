using System.Threading.Channels;
using Grpc.Core;
using K3s.Core.Etcd;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>
/// One Watch stream: requests go out as the test sends them; responses are read in the background and
/// taken in order by the test, each wait bounded.
/// </summary>
internal sealed class WatchStream : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(8);

    private readonly AsyncDuplexStreamingCall<WatchRequest, WatchResponse> call;
    private readonly Channel<WatchResponse> responses = Channel.CreateUnbounded<WatchResponse>();
    private readonly List<WatchResponse> unclaimed = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task reading;

    public WatchStream(Core.Etcd.Watch.WatchClient client)
    {
        call = client.Watch(cancellationToken: stop.Token);
        reading = ReadAsync();
    }

    /// <summary>Every response taken so far, in the order received, for failure messages.</summary>
    public List<WatchResponse> Seen { get; } = [];

    /// <summary>Creates a watch and waits for its created response; returns that response.</summary>
    public async Task<WatchResponse> CreateAsync(WatchCreateRequest create)
    {
        await SendAsync(new WatchRequest { CreateRequest = create });
        return await NextAsync(response => response.Created, "a created response");
    }

    public async Task<WatchResponse> CancelAsync(long watchId)
    {
        await SendAsync(new WatchRequest { CancelRequest = new WatchCancelRequest { WatchId = watchId } });
        return await NextAsync(response => response.WatchId == watchId && response.Canceled, $"the cancellation of watch {watchId}");
    }

    public Task SendAsync(WatchRequest request) => call.RequestStream.WriteAsync(request);

    /// <summary>The first response, received or yet to come, that matches; the others stay for later takers.</summary>
    public async Task<WatchResponse> NextAsync(Func<WatchResponse, bool> match, string what, TimeSpan? wait = null)
    {
        var index = unclaimed.FindIndex(response => match(response));
        if (index >= 0)
        {
            var found = unclaimed[index];
            unclaimed.RemoveAt(index);
            return found;
        }

        using var deadline = new CancellationTokenSource(wait ?? DefaultWait);
        try
        {
            while (true)
            {
                var response = await responses.Reader.ReadAsync(deadline.Token);
                Seen.Add(response);
                if (match(response))
                    return response;
                unclaimed.Add(response);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no {what} within {(wait ?? DefaultWait).TotalSeconds} s; received:\n{Describe()}");
        }
        catch (ChannelClosedException closed)
        {
            throw new InvalidOperationException($"the watch stream ended while waiting for {what}; received:\n{Describe()}", closed.InnerException ?? closed);
        }
    }

    /// <summary>The next <paramref name="count"/> events of a watch, across as many responses as the server uses.</summary>
    public async Task<List<Event>> EventsAsync(long watchId, int count, TimeSpan? wait = null)
    {
        var events = new List<Event>();
        while (events.Count < count)
        {
            var response = await NextAsync(response => response.WatchId == watchId && response.Events.Count > 0,
                $"{count - events.Count} more event(s) of watch {watchId}", wait);
            events.AddRange(response.Events);
        }

        return events;
    }

    public string Describe() => string.Join('\n', Seen.Select(response => response.ToString()));

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(stop.Token))
                responses.Writer.TryWrite(response);
            responses.Writer.TryComplete();
        }
        catch (Exception e)
        {
            responses.Writer.TryComplete(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        call.Dispose();
        await reading;
        stop.Dispose();
    }
}
