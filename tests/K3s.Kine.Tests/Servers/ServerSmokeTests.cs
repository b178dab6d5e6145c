using System.Text.Json;
using MySqlConnector;
using Npgsql;
using Xunit.Abstractions;

namespace K3s.Kine.Tests.Servers;

/// <summary>The real servers the datastore tests rely on start, answer, share, and go away when disposed.</summary>
public sealed class ServerSmokeTests(
    EtcdFixture etcd, PostgresFixture postgres, MariaDbFixture mariaDb, ITestOutputHelper output)
    : IClassFixture<EtcdFixture>, IClassFixture<PostgresFixture>, IClassFixture<MariaDbFixture>
{
    [Fact]
    public async Task Etcd_Health_IsTrue()
    {
        output.WriteLine($"etcd PID {etcd.Server.ProcessId} at {etcd.Server.Endpoint}, started in {etcd.Server.StartupTime.TotalSeconds:F2} s");

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        using var health = JsonDocument.Parse(await http.GetStringAsync($"{etcd.Server.Endpoint}/health"));

        Assert.Equal("true", health.RootElement.GetProperty("health").GetString());
    }

    [Fact]
    public async Task Postgres_SelectVersion_IsPostgreSql()
    {
        var server = postgres.Server;
        output.WriteLine($"postgres PID {server.ProcessId} at {server.Endpoint("postgres")}, started in {server.StartupTime.TotalSeconds:F2} s");

        await using var connection = new NpgsqlConnection(server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT version()", connection);
        var version = (string?)await command.ExecuteScalarAsync();

        output.WriteLine(version);
        Assert.StartsWith("PostgreSQL ", version);
    }

    [Fact]
    public async Task MariaDb_SelectVersion_IsMariaDb()
    {
        var server = mariaDb.Server;
        output.WriteLine($"mariadb PID {server.ProcessId} at {server.Endpoint("mysql")}, started in {server.StartupTime.TotalSeconds:F2} s");

        await using var connection = new MySqlConnection(server.ConnectionString());
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT VERSION()", connection);
        var version = (string?)await command.ExecuteScalarAsync();

        output.WriteLine(version);
        Assert.Contains("MariaDB", version);
    }

    [Fact]
    public async Task Fixture_SecondInstance_SharesTheRunningServer()
    {
        var second = new EtcdFixture();
        await second.InitializeAsync();
        var sharedProcessId = second.Server.ProcessId;
        await second.DisposeAsync();

        Assert.Equal(etcd.Server.ProcessId, sharedProcessId);
        Assert.False(ServerProcess.IsProcessGone(sharedProcessId), "the first fixture still holds the server");
    }

    [Fact]
    public async Task SharedServer_LastRelease_StopsTheServer()
    {
        var shared = new SharedServer<EtcdServer>(() => EtcdServer.StartAsync());
        var first = await shared.AcquireAsync();
        var second = await shared.AcquireAsync();

        shared.Release();
        var runningAfterFirstRelease = !ServerProcess.IsProcessGone(first.ProcessId);
        shared.Release();

        Assert.Same(first, second);
        Assert.True(runningAfterFirstRelease);
        Assert.True(ServerProcess.IsProcessGone(first.ProcessId));
    }

    [Fact]
    public async Task Etcd_Dispose_StopsTheProcessAndRemovesItsDirectory()
    {
        var server = await EtcdServer.StartAsync();
        AssertDisposeCleansUp("etcd", server, server.ProcessId, server.DataDirectory, server.StartupTime);
    }

    [Fact]
    public async Task Postgres_Dispose_StopsTheProcessAndRemovesItsDirectory()
    {
        var server = await PostgresServer.StartAsync();
        AssertDisposeCleansUp("postgres", server, server.ProcessId, server.DataDirectory, server.StartupTime);
    }

    [Fact]
    public async Task MariaDb_Dispose_StopsTheProcessAndRemovesItsDirectory()
    {
        var server = await MariaDbServer.StartAsync();
        AssertDisposeCleansUp("mariadb", server, server.ProcessId, server.DataDirectory, server.StartupTime);
    }

    [Fact]
    public async Task Etcd_ExitsAtStartUp_FailsWithItsOwnLog()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => EtcdServer.StartAsync("--no-such-flag"));

        Assert.Contains("exited", failure.Message);
        Assert.Contains("no-such-flag", failure.Message);
    }

    private void AssertDisposeCleansUp(string kind, IDisposable server, int processId, string dataDirectory, TimeSpan startupTime)
    {
        output.WriteLine($"{kind} PID {processId} started in {startupTime.TotalSeconds:F2} s");

        server.Dispose();

        Assert.True(ServerProcess.IsProcessGone(processId), $"{kind} PID {processId} still runs");
        Assert.False(Directory.Exists(Path.GetDirectoryName(dataDirectory)), $"the directory of {dataDirectory} is left behind");
    }
}
