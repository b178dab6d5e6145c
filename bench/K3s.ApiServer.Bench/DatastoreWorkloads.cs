using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf;
using K3s.Core.Etcd;

namespace K3s.ApiServer.Bench;

/// <summary>
/// The etcd operations the API server makes for each workload, made directly on the same K3s.Kine
/// store in process (no HTTP, no JSON), with a stored configmap's bytes as the value: the
/// difference is the API layer's cost.
/// </summary>
internal sealed class DatastoreWorkloads(IEtcdStore store, ByteString value, int workers)
{
    private readonly string prefix = $"/registry/configmaps/raw-{Guid.NewGuid():N}/";

    private ByteString Key(int i) => Bytes(prefix + ApiWorkloads.Name(i));

    /// <summary>The create's transaction: put only if the key was never written.</summary>
    public Task<Measurement> CreateAsync(int count) =>
        Measurement.RunAsync("create txn", workers, count, (_, i) => CreateAsync(Key(i)));

    public Task<Measurement> GetAsync(int existing, int count) =>
        Measurement.RunAsync("range one key", workers, count, async (_, i) =>
        {
            var response = await store.RangeAsync(new RangeRequest { Key = Key(i % existing) });
            if (response.Kvs.Count != 1)
                throw new InvalidOperationException($"{prefix}{ApiWorkloads.Name(i % existing)}: not found");
        });

    public Task<Measurement> ListAsync(int expected, int repeats) =>
        Measurement.RunAsync("range prefix", 1, repeats, async (_, _) =>
        {
            var response = await store.RangeAsync(new RangeRequest { Key = Bytes(prefix), RangeEnd = Bytes(PrefixEnd(prefix)) });
            Expect(response.Kvs.Count, expected);
        });

    /// <summary>As the API server pages: limit, then on from after the last key at the first page's revision.</summary>
    public Task<Measurement> PagedListAsync(int expected, int limit, int repeats) =>
        Measurement.RunAsync("range prefix paged", 1, repeats, async (_, _) =>
        {
            var start = prefix;
            var revision = 0L;
            var total = 0;
            while (true)
            {
                var response = await store.RangeAsync(new RangeRequest { Key = Bytes(start), RangeEnd = Bytes(PrefixEnd(prefix)), Limit = limit, Revision = revision });
                revision = response.Header.Revision;
                total += response.Kvs.Count;
                if (!response.More || response.Kvs.Count == 0)
                    break;
                start = response.Kvs[^1].Key.ToStringUtf8() + "\0";
            }
            Expect(total, expected);
        });

    /// <summary>Watches of one prefix (with previous values, as the API server asks), then creates under it.</summary>
    public async Task<FanOut> WatchFanOutAsync(int watcherCount, int writes)
    {
        var watched = $"/registry/configmaps/raw-watch-{Guid.NewGuid():N}/";
        using var stop = new CancellationTokenSource();
        var logs = Enumerable.Range(0, watcherCount).Select(_ => new WatcherLog()).ToList();
        var watches = new List<IEtcdWatch>();
        var reading = new List<Task>();
        for (var w = 0; w < watcherCount; w++)
        {
            var output = Channel.CreateUnbounded<WatchResponse>(new UnboundedChannelOptions { SingleReader = true });
            // WatchAsync returns once the watch is created: these are established.
            watches.Add(await store.WatchAsync(w + 1, new WatchCreateRequest { Key = Bytes(watched), RangeEnd = Bytes(PrefixEnd(watched)), PrevKv = true },
                output.Writer, stop.Token));
            var log = logs[w];
            reading.Add(Task.Run(async () =>
            {
                try
                {
                    await foreach (var response in output.Reader.ReadAllAsync(stop.Token))
                    {
                        foreach (var @event in response.Events)
                        {
                            if (@event.Type == Event.Types.EventType.Put && @event.Kv.CreateRevision == @event.Kv.ModRevision)
                                log.Added(@event.Kv.Key.ToStringUtf8()[watched.Length..], @event.Kv.ModRevision);
                            else
                                log.Odd($"unexpected {@event.Type} event for {@event.Kv.Key.ToStringUtf8()}");
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
            }));
        }

        var names = Enumerable.Range(0, writes).Select(i => $"w-{i:D5}").ToArray();
        var starts = new long[writes];
        await Measurement.RunAsync("watched create txn", workers, writes, (_, i) =>
        {
            starts[i] = Stopwatch.GetTimestamp();
            return CreateAsync(Bytes(watched + names[i]));
        });
        await WatcherLog.WaitForAsync(logs, writes, TimeSpan.FromSeconds(10));
        await stop.CancelAsync();
        foreach (var watch in watches)
            await watch.DisposeAsync();
        await Task.WhenAll(reading);
        return WatcherLog.Analyze("watch fan-out", logs, names, starts);
    }

    private async Task CreateAsync(ByteString key)
    {
        var response = await store.TxnAsync(new TxnRequest
        {
            Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = 0 } },
            Success = { new RequestOp { RequestPut = new PutRequest { Key = key, Value = value } } },
        });
        if (!response.Succeeded)
            throw new InvalidOperationException($"{key.ToStringUtf8()}: already exists");
    }

    private static void Expect(int actual, int expected)
    {
        if (actual != expected)
            throw new InvalidOperationException($"a range returned {actual} keys, not {expected}");
    }

    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    private static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
}
