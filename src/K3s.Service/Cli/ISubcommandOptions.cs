namespace K3s.Service.Cli;

/// <summary>A subcommand's resolved settings, listed under their flag names so they can be shown to the user.</summary>
internal interface ISubcommandOptions
{
    IEnumerable<KeyValuePair<string, object>> Settings();
}
