namespace K3s.Core.Configuration;

/// <summary>
/// A config file that is missing, unreadable or not what k3s accepts. The message names the file
/// (and the line, where there is one) so the user can go straight to the fault.
/// </summary>
public sealed class ConfigFileException : Exception
{
    public ConfigFileException(string filePath, int? line, string problem, Exception? inner = null)
        : base(Describe(filePath, line, problem), inner)
    {
        FilePath = filePath;
        Line = line;
    }

    public string FilePath { get; }

    /// <summary>1-based line of the fault, or null when the fault is the file as a whole.</summary>
    public int? Line { get; }

    private static string Describe(string filePath, int? line, string problem) =>
        line is { } number
            ? $"config file \"{filePath}\", line {number}: {problem}"
            : $"config file \"{filePath}\": {problem}";
}
