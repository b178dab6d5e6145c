using System.CommandLine;
using System.CommandLine.Help;
using K3s.Core.Configuration;

namespace K3s.Service.Cli;

/// <summary>
/// The <c>k3sps</c> command line. Output goes only to the writers passed in, and environment
/// variables come only from the dictionary passed in, so tests can run it in process and in parallel.
/// </summary>
internal static class CliApp
{
    /// <param name="reportSettings">Subcommands print the settings that won instead of running.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string> environment,
        bool reportSettings = false)
    {
        // Not RootCommand, which takes its name from the host process: that is "dotnet" or a test host at times.
        var root = new Command("k3sps", "A k3s-style Kubernetes distribution")
        {
            new HelpOption(),
            new VersionOption { Action = new VersionAction() },
            new ServerCommand(environment, reportSettings),
            new AgentCommand(environment),
            new DatastoreCommand(environment),
        };

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // The built-in error action prints the errors and then the help to Output, so point both at stderr.
            parseResult.Invoke(new InvocationConfiguration { Output = stderr, Error = stderr });
            return ExitCodes.Usage;
        }

        try
        {
            return parseResult.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                // Let ConfigFileException reach the handler below instead of printing a stack trace.
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (ConfigFileException e)
        {
            stderr.WriteLine($"k3sps {parseResult.CommandResult.Command.Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
