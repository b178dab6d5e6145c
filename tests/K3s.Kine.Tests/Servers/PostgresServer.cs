using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace K3s.Kine.Tests.Servers;

/// <summary>
/// A real PostgreSQL (Debian's postgresql package) in a temporary cluster on 127.0.0.1, trust authentication
/// for the user <c>postgres</c>. Durability settings are left at their defaults (fsync on): tests check them.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string User = "postgres";
    private const string InstallRoot = "/usr/lib/postgresql";

    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static int databaseCount;

    private readonly ServerProcess process;

    private PostgresServer(ServerProcess process, int port, TimeSpan startupTime)
    {
        this.process = process;
        Port = port;
        StartupTime = startupTime;
    }

    public int Port { get; }

    /// <summary>The postmaster's PID (setpriv execs in place, so it is the process we started).</summary>
    public int ProcessId => process.Id;

    public string DataDirectory => Path.Combine(process.Directory, "data");

    public string Log => process.Log;

    /// <summary>From the first command (initdb) to the first successful query.</summary>
    public TimeSpan StartupTime { get; }

    /// <summary>The datastore endpoint in the form k3s and kine take: <c>postgres://postgres@127.0.0.1:PORT/DATABASE?sslmode=disable</c>.</summary>
    public string Endpoint(string database) =>
        $"postgres://{User}@127.0.0.1:{Port}/{Uri.EscapeDataString(database)}?sslmode=disable";

    /// <summary>An Npgsql (ADO.NET) connection string; the <c>postgres</c> database when none is named.</summary>
    public string ConnectionString(string database = "postgres") => ConnectionString(Port, database);

    /// <summary>A database name not yet used in this run, so test classes sharing the server do not share tables.</summary>
    public static string NewDatabaseName(string prefix = "kine") =>
        $"{prefix}_{Interlocked.Increment(ref databaseCount).ToString(CultureInfo.InvariantCulture)}";

    public static Task<PostgresServer> StartAsync() => ServerProcess.RetryOnPortClashAsync(StartOnceAsync);

    public void Dispose() => process.Dispose();

    private static string ConnectionString(int port, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = User,
        Database = database,
        SslMode = SslMode.Disable,
    }.ConnectionString;

    private static async Task<PostgresServer> StartOnceAsync()
    {
        var clock = Stopwatch.StartNew();
        var bin = FindBinDirectory();
        var port = FreePort.Next();
        // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, then a shutdown checkpoint.
        var process = new ServerProcess("postgres", ServerProcess.SigInt);
        try
        {
            var dataDirectory = Path.Combine(process.Directory, "data");
            if (Environment.IsPrivilegedProcess)
            {
                // PostgreSQL refuses to run as root: its directory goes to the postgres user, who then runs it.
                await process.RunAsync("/bin/chown", [$"{User}:{User}", process.Directory], SetupTimeout);
            }

            // --no-sync only skips flushing the fresh cluster at the end of initdb; the server keeps fsync on.
            var initdb = AsPostgresUser(Path.Combine(bin, "initdb"),
            [
                "--pgdata", dataDirectory,
                "--username", User,
                "--auth", "trust",
                "--encoding", "UTF8",
                "--locale", "C.UTF-8",
                "--no-sync",
            ]);
            await process.RunAsync(initdb.FileName, initdb.Arguments, SetupTimeout);

            var postgres = AsPostgresUser(Path.Combine(bin, "postgres"),
            [
                "-D", dataDirectory,
                // The unix socket goes to our directory: /var/run/postgresql belongs to the packaged cluster.
                "-k", process.Directory,
                "-h", "127.0.0.1",
                "-p", port.ToString(CultureInfo.InvariantCulture),
            ]);
            process.Start(postgres.FileName, postgres.Arguments);

            var probe = new NpgsqlConnectionStringBuilder(ConnectionString(port, "postgres"))
            {
                // Unpooled: a probe that failed while the server was starting must not leave a broken pooled connection.
                Pooling = false,
                Timeout = 5,
            };
            await process.WaitUntilReadyAsync(cancellation => AnswersQueryAsync(probe.ConnectionString, cancellation), ReadyTimeout);
            return new PostgresServer(process, port, clock.Elapsed);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    // setpriv (util-linux) switches user and execs in place, unlike su or runuser, so the PID stays the server's.
    private static (string FileName, IEnumerable<string> Arguments) AsPostgresUser(string program, IEnumerable<string> arguments) =>
        Environment.IsPrivilegedProcess
            ? ("/usr/bin/setpriv", [$"--reuid={User}", $"--regid={User}", "--init-groups", "--", program, .. arguments])
            : (program, arguments);

    private static async Task<bool> AnswersQueryAsync(string connectionString, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync(cancellation) is 1;
    }

    /// <summary>Debian installs each major version under /usr/lib/postgresql/VERSION; the newest is used.</summary>
    private static string FindBinDirectory()
    {
        var bin = Directory.Exists(InstallRoot)
            ? Directory.GetDirectories(InstallRoot)
                .Where(version => File.Exists(Path.Combine(version, "bin", "postgres")))
                .OrderByDescending(version => int.TryParse(Path.GetFileName(version), out var major) ? major : -1)
                .Select(version => Path.Combine(version, "bin"))
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            $"No PostgreSQL server under {InstallRoot}/*/bin; install the Debian package 'postgresql'.");
    }
}
