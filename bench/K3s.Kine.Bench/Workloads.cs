using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using K3s.Core.Etcd;

namespace K3s.Kine.Bench;

/// <summary>
/// The workloads, each driven through one etcd v3 gRPC client exactly the same way on every target:
/// the write and read shapes the Kubernetes API server uses, and a watch's put-to-event latency.
/// </summary>
internal sealed class Workloads(GrpcChannel channel, string target, int scale)
{
    private const int Concurrency = 16;

    private readonly KV.KVClient kv = new(channel);
    private readonly string prefix = $"/bench/{Guid.NewGuid():N}/";

    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    /// <summary>A value of the size of a small Kubernetes object.</summary>
    private static readonly ByteString Value = ByteString.CopyFrom(new byte[1024]);

    public async IAsyncEnumerable<Measurement> RunAllAsync()
    {
        yield return await RunAsync("sequential put", 1, 200 * scale, (_, i) => kv.PutAsync(Put($"seq/{i}")).ResponseAsync);
        yield return await RunAsync("16-way put", Concurrency, 50 * scale, (w, i) => kv.PutAsync(Put($"par/{w}/{i}")).ResponseAsync);
        yield return await RunAsync("create txn", Concurrency, 50 * scale, (w, i) => kv.TxnAsync(Create($"obj/{w}/{i}")).ResponseAsync);
        yield return await UpdateTxnAsync();
        yield return await RunAsync("get one key", 1, 500 * scale, (_, i) =>
            kv.RangeAsync(new RangeRequest { Key = Bytes(prefix + $"seq/{i % (200 * scale)}") }).ResponseAsync);
        yield return await ListAsync();
        yield return await WatchLatencyAsync();
    }

    private PutRequest Put(string key) => new() { Key = Bytes(prefix + key), Value = Value };

    /// <summary>The API server's create: put only if the key has never been written (mod_revision 0).</summary>
    private TxnRequest Create(string key) => new()
    {
        Compare = { new Compare { Key = Bytes(prefix + key), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = 0 } },
        Success = { new RequestOp { RequestPut = Put(key) } },
        Failure = { new RequestOp { RequestRange = new RangeRequest { Key = Bytes(prefix + key) } } },
    };

    /// <summary>The API server's update: put only if the key is still at the revision read, else read it.</summary>
    private async Task<Measurement> UpdateTxnAsync()
    {
        var revisions = new long[Concurrency];
        for (var w = 0; w < Concurrency; w++)
            revisions[w] = (await kv.PutAsync(Put($"upd/{w}"))).Header.Revision;
        return await RunAsync("update txn", Concurrency, 50 * scale, async (w, _) =>
        {
            var key = Bytes(prefix + $"upd/{w}");
            var response = await kv.TxnAsync(new TxnRequest
            {
                Compare = { new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = revisions[w] } },
                Success = { new RequestOp { RequestPut = new PutRequest { Key = key, Value = Value } } },
                Failure = { new RequestOp { RequestRange = new RangeRequest { Key = key } } },
            });
            if (!response.Succeeded)
                throw new InvalidOperationException("update lost a race it cannot lose: one writer per key");
            revisions[w] = response.Header.Revision;
            return response;
        });
    }

    private async Task<Measurement> ListAsync()
    {
        for (var i = 0; i < 500; i++)
            await kv.PutAsync(Put($"list/{i:D4}"));
        var request = new RangeRequest { Key = Bytes(prefix + "list/"), RangeEnd = Bytes(prefix + "list0") };
        return await RunAsync("list 500 keys", 1, 20 * scale, async (_, _) =>
        {
            var response = await kv.RangeAsync(request);
            if (response.Kvs.Count != 500)
                throw new InvalidOperationException($"listed {response.Kvs.Count} keys, not 500");
            return response;
        });
    }

    /// <summary>From the start of a put to the arrival of its event on a watch of the prefix.</summary>
    private async Task<Measurement> WatchLatencyAsync()
    {
        var measurement = new Measurement("watch put->event", target);
        using var stop = new CancellationTokenSource();
        using var call = new K3s.Core.Etcd.Watch.WatchClient(channel).Watch(cancellationToken: stop.Token);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest { Key = Bytes(prefix + "watch/"), RangeEnd = Bytes(prefix + "watch0") },
        });
        await call.ResponseStream.MoveNext();
        var events = Channel.CreateUnbounded<long>();
        var reading = Task.Run(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
                foreach (var @event in call.ResponseStream.Current.Events)
                    await events.Writer.WriteAsync(@event.Kv.ModRevision);
            }
        });
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 100 * scale; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var revision = (await kv.PutAsync(Put($"watch/{i % 10}"))).Header.Revision;
            while (await events.Reader.ReadAsync() < revision)
            {
            }
            measurement.Add(start);
        }
        measurement.Elapsed = clock.Elapsed;
        // etcd keeps a watch stream open after the client's half-close: cancel the call.
        await stop.CancelAsync();
        try
        {
            await reading;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
        }
        return measurement;
    }

    private async Task<Measurement> RunAsync<T>(string name, int workers, int perWorker, Func<int, int, Task<T>> operation)
    {
        var measurement = new Measurement(name, target);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWorker; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(w, i);
                measurement.Add(start);
            }
        })));
        measurement.Elapsed = clock.Elapsed;
        return measurement;
    }
}
