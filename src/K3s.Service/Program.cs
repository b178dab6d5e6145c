using System.Collections;
using K3s.Service.Cli;

// Windows treats variable names case-insensitively; Linux does not.
var environment = new Dictionary<string, string>(
    OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
    environment[(string)variable.Key] = (string?)variable.Value ?? "";

return CliApp.Run(args, Console.Out, Console.Error, environment);
