using System.CommandLine;

namespace K3s.Service.Cli;

/// <summary><c>k3sps agent</c>: runs a node that joins an existing server.</summary>
internal sealed class AgentCommand : Command
{
    private const string ServerUrlVariable = "K3S_URL";

    private readonly Option<string> config = SharedOptions.Config();
    private readonly Option<string> dataDir = SharedOptions.DataDir();
    private readonly Option<string> server = new("--server", "-s")
    {
        Description = $"Server to connect to [${ServerUrlVariable}]",
        HelpName = "URL",
    };
    private readonly Option<string> token = SharedOptions.Token();
    private readonly Option<string> tokenFile = SharedOptions.TokenFile();
    private readonly Option<string> nodeName = SharedOptions.NodeName();
    private readonly Option<string> nodeIp = SharedOptions.NodeIp();

    public AgentCommand(IReadOnlyDictionary<string, string> environment)
        : base("agent", "Run node agent")
    {
        Options.Add(config);
        Options.Add(dataDir);
        Options.Add(server);
        Options.Add(token);
        Options.Add(tokenFile);
        Options.Add(nodeName);
        Options.Add(nodeIp);
        SetAction(parseResult =>
            NotImplementedYet.Report(parseResult, Resolve(SettingBinder.Load(parseResult, config, environment))));
    }

    private AgentOptions Resolve(SettingBinder settings) => new(
        Config: settings.ConfigPath,
        DataDir: settings.String(dataDir),
        Server: settings.String(server, ServerUrlVariable),
        Token: settings.String(token, SharedOptions.TokenVariable),
        TokenFile: settings.String(tokenFile),
        NodeName: settings.String(nodeName, SharedOptions.NodeNameVariable),
        NodeIp: settings.String(nodeIp));
}
