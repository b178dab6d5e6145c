namespace K3s.Service.Cli;

/// <summary>The effective settings of <c>k3sps datastore</c>; an empty endpoint means SQLite.</summary>
internal sealed record DatastoreOptions(string Config, string Endpoint, IReadOnlyList<string> ListenAddresses) : ISubcommandOptions
{
    public IEnumerable<KeyValuePair<string, object>> Settings() =>
    [
        new("config", Config),
        new("endpoint", Endpoint),
        new("listen-address", ListenAddresses),
    ];
}
