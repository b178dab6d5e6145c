using System.CommandLine;

namespace K3s.Service.Cli;

/// <summary>
/// Flags that several subcommands share, with k3s's names, defaults and environment variables.
/// Each call makes a new option because an option belongs to the one command it is added to.
/// </summary>
internal static class SharedOptions
{
    public const string TokenVariable = "K3S_TOKEN";
    public const string NodeNameVariable = "K3S_NODE_NAME";

    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "Load configuration from FILE; a missing file at the default path is ignored",
        HelpName = "FILE",
        DefaultValueFactory = _ => "/etc/rancher/k3s/config.yaml",
    };

    public static Option<string> DataDir() => new("--data-dir", "-d")
    {
        Description = "Folder to hold state",
        HelpName = "DIR",
        DefaultValueFactory = _ => "/var/lib/rancher/k3s",
    };

    public static Option<string> Token() => new("--token", "-t")
    {
        Description = $"Shared secret used to join a server or agent to a cluster [${TokenVariable}]",
    };

    public static Option<string> TokenFile() => new("--token-file")
    {
        Description = "File containing the token",
        HelpName = "FILE",
    };

    public static Option<string> NodeName() => new("--node-name")
    {
        Description = $"Node name [${NodeNameVariable}]",
    };

    public static Option<string> NodeIp() => new("--node-ip")
    {
        Description = "IP address to advertise for node",
    };
}
