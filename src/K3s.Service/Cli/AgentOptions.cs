namespace K3s.Service.Cli;

/// <summary>The effective settings of <c>k3sps agent</c>; an empty string means the flag is unset.</summary>
internal sealed record AgentOptions(
    string Config,
    string DataDir,
    string Server,
    string Token,
    string TokenFile,
    string NodeName,
    string NodeIp) : ISubcommandOptions
{
    public IEnumerable<KeyValuePair<string, object>> Settings() =>
    [
        new("config", Config),
        new("data-dir", DataDir),
        new("server", Server),
        new("token", Token),
        new("token-file", TokenFile),
        new("node-name", NodeName),
        new("node-ip", NodeIp),
    ];
}
