using System.Diagnostics;
using System.Text.Json;

namespace K3s.Kine.Tests.Datastore;

/// <summary>etcdctl, the real etcd client, against <c>k3sps datastore</c> run as its own process.</summary>
public sealed class EtcdctlTests : IClassFixture<EtcdctlTests.Datastore>
{
    public sealed class Datastore : IAsyncLifetime
    {
        private readonly TemporaryDirectory directory = new();
        private DatastoreProcess? process;

        internal Etcdctl Etcdctl { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            process = await DatastoreProcess.StartAsync(Path.Combine(directory.Path, "state.db"));
            Etcdctl = new Etcdctl(process.Address);
        }

        public Task DisposeAsync()
        {
            process?.Dispose();
            directory.Dispose();
            return Task.CompletedTask;
        }
    }

    private readonly Etcdctl etcdctl;
    private readonly string prefix = $"/etcdctl/{Guid.NewGuid():N}/";

    public EtcdctlTests(Datastore datastore) => etcdctl = datastore.Etcdctl;

    private static long Revision(string json) => JsonDocument.Parse(json).RootElement.GetProperty("header").GetProperty("revision").GetInt64();

    [Fact]
    public async Task Puts_gets_by_prefix_and_deletes()
    {
        Assert.Equal("OK\n", await etcdctl.OkAsync("put", prefix + "a", "1"));
        await etcdctl.OkAsync("put", prefix + "b", "2");
        await etcdctl.OkAsync("put", prefix + "c", "3");

        Assert.Equal($"{prefix}a\n1\n{prefix}b\n2\n{prefix}c\n3\n", await etcdctl.OkAsync("get", "--prefix", prefix));
        Assert.Equal("1\n", await etcdctl.OkAsync("del", prefix + "b"));
        Assert.Equal($"{prefix}a\n\n{prefix}c\n\n", await etcdctl.OkAsync("get", "--prefix", "--keys-only", prefix));
    }

    [Fact]
    public async Task Watches_puts_and_deletes_as_they_happen()
    {
        using var watch = Process.Start(etcdctl.StartInfo("watch", "--prefix", prefix))!;
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        var reading = Task.Run(async () =>
        {
            while (await watch.StandardOutput.ReadLineAsync() is { } line)
                await lines.Writer.WriteAsync(line);
        });
        try
        {
            // The watch is in place once a put made after it shows up.
            var ready = false;
            for (var attempt = 0; !ready && attempt < 50; attempt++)
            {
                await etcdctl.OkAsync("put", prefix + "ready", "x");
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
                try
                {
                    ready = await lines.Reader.ReadAsync(wait.Token) == "PUT";
                }
                catch (OperationCanceledException)
                {
                }
            }
            Assert.True(ready, "the watch never reported a put");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await etcdctl.OkAsync("put", prefix + "x", "hello");
            await etcdctl.OkAsync("del", prefix + "x");

            // Earlier "ready" puts may still come first; the two events must follow in order.
            var seen = new List<string>();
            while (seen.Count < 2 || seen[^2] != "DELETE")
                seen.Add(await lines.Reader.ReadAsync(timeout.Token));
            Assert.EndsWith(string.Join('\n', "PUT", prefix + "x", "hello", "DELETE", prefix + "x"), string.Join('\n', seen));
        }
        finally
        {
            watch.Kill();
            await watch.WaitForExitAsync();
            await reading;
        }
    }

    [Fact]
    public async Task Runs_a_transaction_with_compares_and_both_branches()
    {
        await etcdctl.OkAsync("put", prefix + "flag", "on");

        var success = await etcdctl.RunAsync(["txn"], $"value(\"{prefix}flag\") = \"on\"\n\nput {prefix}result yes\n\nput {prefix}result no\n\n");
        var failure = await etcdctl.RunAsync(["txn"], $"value(\"{prefix}flag\") = \"off\"\n\nput {prefix}other yes\n\nget {prefix}result\n\n");

        Assert.Equal("SUCCESS\n\nOK\n", success.Output);
        Assert.Equal($"FAILURE\n\n{prefix}result\nyes\n", failure.Output);
        Assert.Equal("", await etcdctl.OkAsync("get", prefix + "other"));
    }

    [Fact]
    public async Task Grants_uses_keeps_alive_and_revokes_a_lease()
    {
        var granted = await etcdctl.OkAsync("lease", "grant", "60");
        var lease = granted.Split(' ')[1];
        Assert.Matches("^lease [0-9a-f]{16} granted with TTL\\(60s\\)\n$", granted);

        await etcdctl.OkAsync("put", "--lease=" + lease, prefix + "leased", "v");
        Assert.Contains(prefix + "leased", await etcdctl.OkAsync("lease", "timetolive", "--keys", lease));
        Assert.Matches($"lease {lease} keepalived with TTL\\(60\\)", await etcdctl.OkAsync("lease", "keep-alive", "--once", lease));
        Assert.Contains(lease, await etcdctl.OkAsync("lease", "list"));

        Assert.Equal($"lease {lease} revoked\n", await etcdctl.OkAsync("lease", "revoke", lease));
        Assert.Equal("", await etcdctl.OkAsync("get", prefix + "leased"));
        Assert.Contains("requested lease not found", (await etcdctl.RunAsync(["lease", "revoke", lease])).Error);
    }

    [Fact]
    public async Task Compacts_and_then_refuses_reads_below_the_compacted_revision()
    {
        await etcdctl.OkAsync("put", prefix + "k", "1");
        var second = Revision(await etcdctl.OkAsync("put", prefix + "k", "2", "-w", "json"));
        await etcdctl.OkAsync("put", prefix + "k", "3");

        Assert.Equal($"compacted revision {second}\n", await etcdctl.OkAsync("compaction", second.ToString()));

        var below = await etcdctl.RunAsync(["get", prefix + "k", "--rev=" + (second - 1)]);
        Assert.NotEqual(0, below.ExitCode);
        Assert.Contains("required revision has been compacted", below.Error);
        Assert.Equal($"{prefix}k\n2\n", await etcdctl.OkAsync("get", prefix + "k", "--rev=" + second));
        Assert.Equal($"{prefix}k\n3\n", await etcdctl.OkAsync("get", prefix + "k"));
    }

    [Fact]
    public async Task Reports_endpoint_status_and_members()
    {
        var status = await etcdctl.OkAsync("endpoint", "status", "-w", "json");
        var entry = JsonDocument.Parse(status).RootElement[0].GetProperty("Status");
        Assert.Equal("3.5.13", entry.GetProperty("version").GetString());
        Assert.True(entry.GetProperty("dbSize").GetInt64() > 0);

        Assert.Contains("started, kine", await etcdctl.OkAsync("member", "list"));
    }
}

/// <summary><c>k3sps datastore</c> on a unix socket, as k3s serves kine on kine.sock: mode 0600, and etcdctl works over it.</summary>
public sealed class UnixSocketTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    [Fact]
    public async Task Serves_etcdctl_on_a_socket_only_its_owner_may_use()
    {
        var socket = Path.Combine(directory.Path, "kine.sock");
        using var datastore = await DatastoreProcess.StartAsync(Path.Combine(directory.Path, "state.db"), socket);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        var etcdctl = new Etcdctl("unix://" + socket);
        Assert.Equal("OK\n", await etcdctl.OkAsync("put", "/over/socket", "yes"));
        Assert.Equal("/over/socket\nyes\n", await etcdctl.OkAsync("get", "/over/socket"));
    }

    public void Dispose() => directory.Dispose();
}
