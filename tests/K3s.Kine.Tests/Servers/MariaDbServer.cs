using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace K3s.Kine.Tests.Servers;

/// <summary>
/// A real MariaDB (Debian's mariadb-server) in a temporary data directory on 127.0.0.1, user <c>root</c> without
/// a password. Durability settings are left at their defaults: tests check them.
/// </summary>
public sealed class MariaDbServer : IDisposable
{
    public const string User = "root";

    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static int databaseCount;

    private readonly ServerProcess process;

    private MariaDbServer(ServerProcess process, int port, TimeSpan startupTime)
    {
        this.process = process;
        Port = port;
        StartupTime = startupTime;
    }

    public int Port { get; }

    public int ProcessId => process.Id;

    public string DataDirectory => Path.Combine(process.Directory, "data");

    public string Log => process.Log;

    /// <summary>From the first command (install-db) to the first successful query.</summary>
    public TimeSpan StartupTime { get; }

    /// <summary>The datastore endpoint in the form k3s and kine take: <c>mysql://root@tcp(127.0.0.1:PORT)/DATABASE</c>.</summary>
    public string Endpoint(string database) => $"mysql://{User}@tcp(127.0.0.1:{Port})/{database}";

    /// <summary>A MySqlConnector (ADO.NET) connection string; no default database when none is named.</summary>
    public string ConnectionString(string? database = null) => ConnectionString(Port, database);

    /// <summary>A database name not yet used in this run, so test classes sharing the server do not share tables.</summary>
    public static string NewDatabaseName(string prefix = "kine") =>
        $"{prefix}_{Interlocked.Increment(ref databaseCount).ToString(CultureInfo.InvariantCulture)}";

    public static Task<MariaDbServer> StartAsync() => ServerProcess.RetryOnPortClashAsync(StartOnceAsync);

    public void Dispose() => process.Dispose();

    private static string ConnectionString(int port, string? database) => new MySqlConnectionStringBuilder
    {
        Server = "127.0.0.1",
        Port = (uint)port,
        UserID = User,
        Database = database ?? "",
        SslMode = MySqlSslMode.None,
    }.ConnectionString;

    private static async Task<MariaDbServer> StartOnceAsync()
    {
        var clock = Stopwatch.StartNew();
        var port = FreePort.Next();
        var process = new ServerProcess("mariadb");
        try
        {
            var dataDirectory = Path.Combine(process.Directory, "data");

            // --no-defaults first, always: /etc/mysql/my.cnf configures the packaged server, not this one.
            // As root, mariadbd insists on being told to stay root; it then needs no mysql user or chown.
            string[] runAs = Environment.IsPrivilegedProcess ? ["--user=root"] : [];
            // An 8 MiB redo log instead of 96 MiB: less to write at start-up on a busy CI disk. Durability is
            // unchanged (innodb_flush_log_at_trx_commit stays 1); install-db and server must agree on the size.
            const string RedoLogSize = "--innodb-log-file-size=8M";
            await process.RunAsync(FindExecutable("mariadb-install-db", "/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"),
            [
                "--no-defaults",
                $"--datadir={dataDirectory}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                RedoLogSize,
                .. runAs,
            ], SetupTimeout);

            // mariadbd runs in the foreground (no mysqld_safe wrapper) so the PID we hold is the server's;
            // with no --log-error its log goes to stderr, which we capture.
            process.Start(FindExecutable("mariadbd", "/usr/sbin/mariadbd", "/usr/sbin/mysqld"),
            [
                "--no-defaults",
                $"--datadir={dataDirectory}",
                $"--socket={Path.Combine(process.Directory, "mysqld.sock")}",
                $"--pid-file={Path.Combine(process.Directory, "mysqld.pid")}",
                $"--port={port.ToString(CultureInfo.InvariantCulture)}",
                "--bind-address=127.0.0.1",
                // Any user name gets in without a password, over TCP from 127.0.0.1, as kine's endpoint form needs.
                "--skip-grant-tables",
                // No reverse DNS for client addresses: a machine without name service must not stall connections.
                "--skip-name-resolve",
                "--skip-log-bin",
                RedoLogSize,
                .. runAs,
            ]);

            var probe = new MySqlConnectionStringBuilder(ConnectionString(port, null))
            {
                // Unpooled: a probe that failed while the server was starting must not leave a broken pooled connection.
                Pooling = false,
                ConnectionTimeout = 5,
            };
            await process.WaitUntilReadyAsync(cancellation => AnswersQueryAsync(probe.ConnectionString, cancellation), ReadyTimeout);
            return new MariaDbServer(process, port, clock.Elapsed);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static async Task<bool> AnswersQueryAsync(string connectionString, CancellationToken cancellation)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var command = new MySqlCommand("SELECT 1", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Debian's MariaDB names its programs mariadb*; the mysql* names are compatibility links.</summary>
    private static string FindExecutable(string description, params string[] candidates) =>
        candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            $"No {description} ({string.Join(", ", candidates)}); install the Debian package 'mariadb-server'.");
}
