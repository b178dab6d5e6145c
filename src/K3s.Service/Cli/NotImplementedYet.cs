using System.CommandLine;

namespace K3s.Service.Cli;

/// <summary>
/// Stands in for a subcommand whose work is still to be written. It shows the settings that won,
/// so the option handling can be checked end to end meanwhile.
/// </summary>
internal static class NotImplementedYet
{
    public static int Report(ParseResult parseResult, ISubcommandOptions options)
    {
        SettingsReport.Write(parseResult.InvocationConfiguration.Error, $"k3sps {parseResult.CommandResult.Command.Name}: not implemented yet", options);
        return ExitCodes.Failure;
    }
}
