using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using K3s.Core.Etcd;

namespace K3s.Kine.Tests.Datastore;

/// <summary>A datastore killed with SIGKILL while clients write loses none of the writes it acknowledged.</summary>
public sealed class CrashTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    [Fact]
    public async Task Every_acknowledged_write_survives_a_kill_during_writes()
    {
        var database = Path.Combine(directory.Path, "state.db");
        var acknowledged = new ConcurrentDictionary<string, string>();

        using (var datastore = await DatastoreProcess.StartAsync(database))
        {
            var kv = new KV.KVClient(datastore.Channel);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var key = $"/crash/{writer}/{i:D6}";
                    var value = $"value {writer}.{i}";
                    try
                    {
                        await kv.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) },
                            deadline: DateTime.UtcNow.AddSeconds(10));
                    }
                    catch (RpcException)
                    {
                        return; // the server is gone: this write was not acknowledged
                    }
                    acknowledged[key] = value;
                }
            })).ToList();

            while (acknowledged.Count < 500)
                await Task.Delay(10);
            datastore.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        using (var restarted = await DatastoreProcess.StartAsync(database))
        {
            var kv = new KV.KVClient(restarted.Channel);
            var stored = await kv.RangeAsync(new RangeRequest
            {
                Key = ByteString.CopyFromUtf8("/crash/"),
                RangeEnd = ByteString.CopyFromUtf8("/crash0"),
            }, deadline: DateTime.UtcNow.AddSeconds(30));
            var values = stored.Kvs.ToDictionary(kv => kv.Key.ToStringUtf8(), kv => kv.Value.ToStringUtf8());

            Assert.True(acknowledged.Count >= 500);
            Assert.All(acknowledged, write => Assert.Equal(write.Value, values.GetValueOrDefault(write.Key)));
        }
    }

    public void Dispose() => directory.Dispose();
}
