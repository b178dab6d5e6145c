namespace K3s.Core.Processes;

/// <summary>Recognises the processes of a K3sPs or upstream k3s node from their names and arguments.</summary>
public static class ProcessRoles
{
    private static readonly string[] NodeExecutables = ["k3sps", "k3s"];

    /// <summary>
    /// The role of a process that heads a node's tree (<c>k3sps server|agent|datastore</c>,
    /// <c>k3s server|agent</c>), or null for any other process.
    /// </summary>
    public static ProcessRole? RootRole(ProcessEntry process)
    {
        // k3s renames its processes "k3s-server" / "k3s-agent".
        switch (process.Name)
        {
            case "k3s-server": return ProcessRole.Server;
            case "k3s-agent": return ProcessRole.Agent;
        }
        if (process.Arguments is null)
            return NodeExecutables.Contains(process.Name) ? ProcessRole.Other : null; // no argv on this platform
        return Subcommand(process.Arguments) switch
        {
            "server" => ProcessRole.Server,
            "agent" => ProcessRole.Agent,
            "datastore" => ProcessRole.Datastore,
            _ => null,
        };
    }

    /// <summary>The role of a process below a node's head process.</summary>
    public static ProcessRole DescendantRole(ProcessEntry process, bool belowShim) =>
        IsContainerd(process) ? ProcessRole.Containerd
        : IsShim(process) ? ProcessRole.Shim
        : belowShim ? ProcessRole.Container
        : ProcessRole.Other;

    public static bool IsContainerd(ProcessEntry process) => process.Name == "containerd";

    /// <summary>containerd-shim, containerd-shim-runc-v2, … (the kernel cuts names to 15 characters).</summary>
    public static bool IsShim(ProcessEntry process) => process.Name.StartsWith("containerd-shim", StringComparison.Ordinal);

    /// <summary>The containerd socket a containerd serves (<c>-a</c>/<c>--address</c>).</summary>
    public static string ContainerdAddress(ProcessEntry containerd) =>
        OptionValue(containerd.Arguments, "-a", "--address") ?? "/run/containerd/containerd.sock";

    /// <summary>The containerd socket a shim reports to (<c>-address</c>); shims outlive their parent and get re-parented, so this is their link.</summary>
    public static string? ShimAddress(ProcessEntry shim) => OptionValue(shim.Arguments, "-address", "--address");

    private static string? Subcommand(IReadOnlyList<string> arguments)
    {
        // k3s rewrites its argv into one string such as "/usr/local/bin/k3s server".
        var words = arguments.Count == 1 ? arguments[0].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [.. arguments];
        if (words.Length < 2)
            return null;
        var program = Path.GetFileName(words[0]);
        if (NodeExecutables.Contains(program))
            return words[1];
        // Run through the shared host: dotnet k3sps.dll server
        if (program == "dotnet" && words.Length > 2 && Path.GetFileName(words[1]) == "k3sps.dll")
            return words[2];
        return null;
    }

    private static string? OptionValue(IReadOnlyList<string>? arguments, params string[] names)
    {
        if (arguments is null)
            return null;
        for (var i = 0; i < arguments.Count; i++)
        {
            foreach (var name in names)
            {
                if (arguments[i] == name && i + 1 < arguments.Count)
                    return arguments[i + 1];
                if (arguments[i].StartsWith(name + "=", StringComparison.Ordinal))
                    return arguments[i][(name.Length + 1)..];
            }
        }
        return null;
    }
}
