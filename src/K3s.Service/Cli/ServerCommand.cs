using System.CommandLine;
using K3s.Service.Hosting;
using K3s.Service.Roles;

namespace K3s.Service.Cli;

/// <summary><c>k3sps server</c>: runs the control plane, and an agent beside it unless told not to.</summary>
internal sealed class ServerCommand : Command
{
    private const string DatastoreEndpointVariable = "K3S_DATASTORE_ENDPOINT";
    private const string KubeconfigOutputVariable = "K3S_KUBECONFIG_OUTPUT";

    private readonly Option<string> config = SharedOptions.Config();
    private readonly Option<string> dataDir = SharedOptions.DataDir();
    private readonly Option<string> token = SharedOptions.Token();
    private readonly Option<string> tokenFile = SharedOptions.TokenFile();
    private readonly Option<string> datastoreEndpoint = new("--datastore-endpoint")
    {
        Description = $"Datastore: empty for SQLite, or postgres://, mysql://, http(s):// for etcd [${DatastoreEndpointVariable}]",
    };
    private readonly Option<int> httpsListenPort = new("--https-listen-port")
    {
        Description = "HTTPS listen port",
        DefaultValueFactory = _ => 6443,
    };
    private readonly Option<string> bindAddress = new("--bind-address") { Description = "Address to listen on" };
    private readonly Option<string> advertiseAddress = new("--advertise-address")
    {
        Description = "IP address that the API server uses to advertise to members of the cluster",
    };
    private readonly Option<string> nodeName = SharedOptions.NodeName();
    private readonly Option<string> nodeIp = SharedOptions.NodeIp();
    private readonly Option<string[]> tlsSan = new("--tls-san")
    {
        Description = "Additional hostname or IP as a Subject Alternative Name in the TLS cert (repeatable)",
        Arity = ArgumentArity.OneOrMore,
    };
    private readonly Option<string[]> disable = new("--disable")
    {
        Description = "Do not deploy packaged components (valid items: coredns) (repeatable)",
        Arity = ArgumentArity.OneOrMore,
    };
    private readonly Option<string> writeKubeconfig = new("--write-kubeconfig", "-o")
    {
        Description = $"Write kubeconfig for the admin client to this file [${KubeconfigOutputVariable}]",
        HelpName = "FILE",
        DefaultValueFactory = _ => "/etc/rancher/k3s/k3s.yaml",
    };
    private readonly Option<string> writeKubeconfigMode = new("--write-kubeconfig-mode")
    {
        Description = "Write kubeconfig with this mode",
    };
    private readonly Option<bool> disableAgent = new("--disable-agent") { Description = "Do not run a local agent" };
    private readonly Option<string> clusterCidr = new("--cluster-cidr")
    {
        Description = "IPv4/IPv6 network CIDRs to use for pod IPs",
        DefaultValueFactory = _ => "10.42.0.0/16",
    };
    private readonly Option<string> serviceCidr = new("--service-cidr")
    {
        Description = "IPv4/IPv6 network CIDRs to use for service IPs",
        DefaultValueFactory = _ => "10.43.0.0/16",
    };

    /// <param name="reportSettings">Print the settings that won instead of running (tests of option precedence use it).</param>
    public ServerCommand(IReadOnlyDictionary<string, string> environment, bool reportSettings = false)
        : base("server", "Run management server")
    {
        Options.Add(config);
        Options.Add(dataDir);
        Options.Add(token);
        Options.Add(tokenFile);
        Options.Add(datastoreEndpoint);
        Options.Add(httpsListenPort);
        Options.Add(bindAddress);
        Options.Add(advertiseAddress);
        Options.Add(nodeName);
        Options.Add(nodeIp);
        Options.Add(tlsSan);
        Options.Add(writeKubeconfig);
        Options.Add(writeKubeconfigMode);
        Options.Add(disableAgent);
        Options.Add(clusterCidr);
        Options.Add(serviceCidr);
        Options.Add(disable);
        SetAction((parseResult, cancellationToken) =>
        {
            var options = Resolve(SettingBinder.Load(parseResult, config, environment));
            if (!reportSettings)
                return WindowsServiceHosting.RunAsync(stopping => ServerRunner.RunAsync(options, parseResult.InvocationConfiguration.Error, stopping), cancellationToken);
            SettingsReport.Write(parseResult.InvocationConfiguration.Error, "k3sps server: settings", options);
            return Task.FromResult(ExitCodes.Success);
        });
    }

    private ServerOptions Resolve(SettingBinder settings) => new(
        Config: settings.ConfigPath,
        DataDir: settings.String(dataDir),
        Token: settings.String(token, SharedOptions.TokenVariable),
        TokenFile: settings.String(tokenFile),
        DatastoreEndpoint: settings.String(datastoreEndpoint, DatastoreEndpointVariable),
        HttpsListenPort: settings.Int32(httpsListenPort),
        BindAddress: settings.String(bindAddress),
        AdvertiseAddress: settings.String(advertiseAddress),
        NodeName: settings.String(nodeName, SharedOptions.NodeNameVariable),
        NodeIp: settings.String(nodeIp),
        TlsSan: settings.List(tlsSan),
        WriteKubeconfig: settings.String(writeKubeconfig, KubeconfigOutputVariable),
        WriteKubeconfigMode: settings.String(writeKubeconfigMode),
        DisableAgent: settings.Boolean(disableAgent),
        ClusterCidr: settings.String(clusterCidr),
        ServiceCidr: settings.String(serviceCidr),
        Disable: settings.List(disable));
}
