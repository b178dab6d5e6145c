using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace K3s.Service.Cli;

/// <summary>Prints the version the way k3s does: one line naming the program, its version and its runtime.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var version = typeof(VersionAction).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        parseResult.InvocationConfiguration.Output.WriteLine($"k3sps version v{version} (.NET {Environment.Version})");
        return ExitCodes.Success;
    }
}
