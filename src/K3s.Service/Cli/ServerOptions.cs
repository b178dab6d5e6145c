namespace K3s.Service.Cli;

/// <summary>The effective settings of <c>k3sps server</c>; an empty string means the flag is unset.</summary>
internal sealed record ServerOptions(
    string Config,
    string DataDir,
    string Token,
    string TokenFile,
    string DatastoreEndpoint,
    int HttpsListenPort,
    string BindAddress,
    string AdvertiseAddress,
    string NodeName,
    string NodeIp,
    IReadOnlyList<string> TlsSan,
    string WriteKubeconfig,
    string WriteKubeconfigMode,
    bool DisableAgent,
    string ClusterCidr,
    string ServiceCidr,
    IReadOnlyList<string> Disable) : ISubcommandOptions
{
    public IEnumerable<KeyValuePair<string, object>> Settings() =>
    [
        new("config", Config),
        new("data-dir", DataDir),
        new("token", Token),
        new("token-file", TokenFile),
        new("datastore-endpoint", DatastoreEndpoint),
        new("https-listen-port", HttpsListenPort),
        new("bind-address", BindAddress),
        new("advertise-address", AdvertiseAddress),
        new("node-name", NodeName),
        new("node-ip", NodeIp),
        new("tls-san", TlsSan),
        new("write-kubeconfig", WriteKubeconfig),
        new("write-kubeconfig-mode", WriteKubeconfigMode),
        new("disable-agent", DisableAgent),
        new("cluster-cidr", ClusterCidr),
        new("service-cidr", ServiceCidr),
        new("disable", Disable),
    ];
}
