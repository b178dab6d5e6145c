using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using K3s.Core.Etcd;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>
/// etcd's v3 API, one suite for every target (<see cref="EtcdApiOnEtcd"/> and the kine ones): the same requests,
/// the same expected answers, except for a <see cref="KnownDifference"/>, which is asserted both ways.
/// Each test keeps to keys under its own prefix and asserts revisions relative to its own writes, so tests
/// do not depend on each other; compaction runs only on the target's exclusive server.
/// </summary>
public abstract partial class EtcdApiSuite : IAsyncLifetime
{
    /// <summary>Unary calls; no test waits longer for one answer.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Watch and keep-alive streams; a test ends its streams well before this.</summary>
    private static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(30);

    private readonly IEtcdApiTarget target;
    private readonly ITestOutputHelper output;

    protected EtcdApiSuite(IEtcdApiTarget target, ITestOutputHelper output)
    {
        this.target = target;
        this.output = output;
        var clients = new Clients(target.Channel);
        (Kv, Watcher, Leases, Maintenance, Cluster) = (clients.Kv, clients.Watch, clients.Lease, clients.Maintenance, clients.Cluster);
    }

    public Task InitializeAsync()
    {
        // What the server logged before this test is not this test's.
        target.DrainServerLog();
        return Task.CompletedTask;
    }

    /// <summary>Shows what the server logged during the test (kine's exceptions reach the client only as "Unknown").</summary>
    public Task DisposeAsync()
    {
        foreach (var entry in target.DrainServerLog())
            output.WriteLine($"[server] {entry}");
        return Task.CompletedTask;
    }

    private KV.KVClient Kv { get; }

    private Core.Etcd.Watch.WatchClient Watcher { get; }

    private Lease.LeaseClient Leases { get; }

    private Maintenance.MaintenanceClient Maintenance { get; }

    private Cluster.ClusterClient Cluster { get; }

    private bool IsEtcd => target.Flavor == Flavor.Etcd;

    private bool Has(KnownDifference difference) => target.Differences.Contains(difference);

    /// <summary>The target's clients, every call with a deadline.</summary>
    private sealed class Clients
    {
        public Clients(Grpc.Net.Client.GrpcChannel channel)
        {
            var calls = channel.Intercept(new DeadlineInterceptor(CallTimeout, StreamTimeout));
            Kv = new KV.KVClient(calls);
            Watch = new Core.Etcd.Watch.WatchClient(calls);
            Lease = new Lease.LeaseClient(calls);
            Maintenance = new Maintenance.MaintenanceClient(calls);
            Cluster = new Cluster.ClusterClient(calls);
        }

        public KV.KVClient Kv { get; }

        public Core.Etcd.Watch.WatchClient Watch { get; }

        public Lease.LeaseClient Lease { get; }

        public Maintenance.MaintenanceClient Maintenance { get; }

        public Cluster.ClusterClient Cluster { get; }
    }

    // ----- keys and values -----

    /// <summary>A prefix no other test uses: "/t/GUID/".</summary>
    private static string NewPrefix() => $"/t/{Guid.NewGuid():N}/";

    private static ByteString B(string text) => ByteString.CopyFromUtf8(text);

    private static string S(ByteString bytes) => bytes.ToStringUtf8();

    /// <summary>The range_end that makes a range of every key starting with <paramref name="prefix"/>.</summary>
    private static ByteString PrefixEnd(string prefix)
    {
        var bytes = Encoding.UTF8.GetBytes(prefix);
        bytes[^1]++;
        return ByteString.CopyFrom(bytes);
    }

    private static List<string> Keys(IEnumerable<KeyValue> kvs) => [.. kvs.Select(kv => S(kv.Key))];

    // ----- KV helpers -----

    private Task<PutResponse> PutAsync(string key, string value, long lease = 0, bool prevKv = false, KV.KVClient? kv = null) =>
        (kv ?? Kv).PutAsync(new PutRequest { Key = B(key), Value = B(value), Lease = lease, PrevKv = prevKv }).ResponseAsync;

    private Task<RangeResponse> GetAsync(string key, long revision = 0, KV.KVClient? kv = null) =>
        (kv ?? Kv).RangeAsync(new RangeRequest { Key = B(key), Revision = revision }).ResponseAsync;

    private Task<RangeResponse> ListAsync(string prefix, long limit = 0) =>
        Kv.RangeAsync(new RangeRequest { Key = B(prefix), RangeEnd = PrefixEnd(prefix), Limit = limit }).ResponseAsync;

    private static async Task<KeyValue> SingleAsync(Task<RangeResponse> range)
    {
        var response = await range;
        return Assert.Single(response.Kvs);
    }

    /// <summary>The store's current revision, from the header of a read of a key nobody writes.</summary>
    private async Task<long> CurrentRevisionAsync(KV.KVClient? kv = null) =>
        (await GetAsync("/t/no-such-key", kv: kv)).Header.Revision;

    /// <summary>
    /// Runs an action while no other test wrote: the current revision before it equals the one after it
    /// (tried again when another test's write came between). Returns that revision and the action's result.
    /// </summary>
    private async Task<(long Revision, T Result)> WithoutOtherWritesAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var before = await CurrentRevisionAsync();
            var result = await action();
            var after = await CurrentRevisionAsync();
            if (before == after)
                return (before, result);
            output.WriteLine($"revision moved from {before} to {after} during the action; trying again");
        }

        throw new XunitException("other writes kept moving the revision; the check could not run alone");
    }

    // ----- txn helpers -----

    private static RequestOp PutOp(string key, string value, long lease = 0) =>
        new() { RequestPut = new PutRequest { Key = B(key), Value = B(value), Lease = lease } };

    private static RequestOp GetOp(string key) => new() { RequestRange = new RangeRequest { Key = B(key) } };

    private static RequestOp DeleteOp(string key, ByteString? rangeEnd = null, bool prevKv = false) =>
        new() { RequestDeleteRange = new DeleteRangeRequest { Key = B(key), RangeEnd = rangeEnd ?? ByteString.Empty, PrevKv = prevKv } };

    private static Compare ModIs(string key, long revision, Compare.Types.CompareResult result = Compare.Types.CompareResult.Equal) =>
        new() { Key = B(key), Target = Compare.Types.CompareTarget.Mod, Result = result, ModRevision = revision };

    private static TxnRequest Txn(IEnumerable<Compare> compares, IEnumerable<RequestOp> success, IEnumerable<RequestOp>? failure = null)
    {
        var txn = new TxnRequest();
        txn.Compare.AddRange(compares);
        txn.Success.AddRange(success);
        txn.Failure.AddRange(failure ?? []);
        return txn;
    }

    private Task<TxnResponse> TxnAsync(TxnRequest txn) => Kv.TxnAsync(txn).ResponseAsync;

    // ----- errors -----

    /// <summary>Asserts that a call fails with a gRPC status code and, when given, etcd's exact message.</summary>
    private static async Task<RpcException> AssertFailsAsync(StatusCode code, string? message, Func<Task> call)
    {
        var failure = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(failure.StatusCode == code, $"expected {code} but got {failure.StatusCode}: {failure.Status.Detail}");
        if (message is not null)
            Assert.Equal(message, failure.Status.Detail);
        return failure;
    }

    // ----- polling -----

    /// <summary>Asks until the answer is as wanted, for at most <paramref name="timeout"/>; returns the last answer.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> ask, Func<T, bool> wanted, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answer = await ask();
            if (wanted(answer))
                return answer;
            if (DateTime.UtcNow > deadline)
                throw new XunitException($"{what}: not within {timeout.TotalSeconds} s; last answer: {answer}");
            await Task.Delay(100);
        }
    }
}
