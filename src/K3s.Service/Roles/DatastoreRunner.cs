using K3s.Kine;
using K3s.Kine.Server;
using K3s.Kine.Sql;
using K3s.Service.Cli;
using Microsoft.Extensions.Logging;

namespace K3s.Service.Roles;

/// <summary><c>k3sps datastore</c>: kine on its own, serving the etcd API until SIGINT or SIGTERM.</summary>
internal static class DatastoreRunner
{
    /// <summary>kine's database when no endpoint is given: relative to the working directory.</summary>
    private const string DefaultSqlite = "sqlite://db/state.db";

    public static async Task<int> RunAsync(DatastoreOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        using var loggers = LoggerFactory.Create(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Grpc", LogLevel.Warning));
        try
        {
            var endpoint = DatastoreEndpoint.Parse(options.Endpoint.Length > 0 ? options.Endpoint : DefaultSqlite, dataDir: ".");
            await using var store = await KineStore.OpenAsync(endpoint, loggers: loggers, cancellationToken: cancellationToken);
            await using var server = await DatastoreServer.StartAsync(store, options.ListenAddresses.Select(ListenAddress), loggers, cancellationToken);
            log.WriteLine($"k3sps datastore: serving the etcd API of {endpoint} on {string.Join(", ", server.Addresses)}");
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            log.WriteLine("k3sps datastore: stopping");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is DatastoreException or FormatException or IOException)
        {
            log.WriteLine($"k3sps datastore: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>kine's forms: host:port, tcp://host:port, http://host:port, unix://path.</summary>
    private static string ListenAddress(string address)
    {
        foreach (var scheme in new[] { "tcp://", "http://" })
        {
            if (address.StartsWith(scheme, StringComparison.Ordinal))
                return address[scheme.Length..];
        }
        return address;
    }
}
