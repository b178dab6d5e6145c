using System.CommandLine;
using K3s.Service.Roles;

namespace K3s.Service.Cli;

/// <summary><c>k3sps datastore</c>: serves the etcd API from kine on its own, without Kubernetes.</summary>
internal sealed class DatastoreCommand : Command
{
    private readonly Option<string> config = SharedOptions.Config();
    private readonly Option<string> endpoint = new("--endpoint")
    {
        Description = "Storage backend: empty for SQLite at ./db/state.db (as kine), sqlite://PATH, postgres://…, mysql://…",
    };
    private readonly Option<string[]> listenAddress = new("--listen-address")
    {
        Description = "Address for the etcd API: host:port or unix://PATH; repeat it to serve on several (default 127.0.0.1:2379)",
        Arity = ArgumentArity.OneOrMore,
    };

    public DatastoreCommand(IReadOnlyDictionary<string, string> environment)
        : base("datastore", "Run the datastore (kine) on its own")
    {
        Options.Add(config);
        Options.Add(endpoint);
        Options.Add(listenAddress);
        SetAction((parseResult, cancellationToken) => DatastoreRunner.RunAsync(
            Resolve(SettingBinder.Load(parseResult, config, environment)), parseResult.InvocationConfiguration.Error, cancellationToken));
    }

    private DatastoreOptions Resolve(SettingBinder settings) => new(
        Config: settings.ConfigPath,
        Endpoint: settings.String(endpoint),
        ListenAddresses: settings.List(listenAddress) is { Count: > 0 } addresses ? addresses : [DefaultListenAddress]);

    private const string DefaultListenAddress = "127.0.0.1:2379";
}
