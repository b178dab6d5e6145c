using System.Globalization;

namespace K3s.Core.Processes;

/// <summary>The fields of /proc/PID/stat (or /proc/PID/task/TID/stat) this project uses.</summary>
public sealed record ProcStat(
    int Id, string Name, ProcessState State, int ParentId, long UserTicks, long SystemTicks, int ThreadCount, long StartTicks)
{
    /// <summary>Parses a stat line; the name sits in parentheses and may itself hold spaces and parentheses.</summary>
    public static ProcStat Parse(string line)
    {
        var open = line.IndexOf('(');
        var close = line.LastIndexOf(')');
        if (open < 0 || close < open)
            throw new FormatException($"not a /proc stat line: '{line}'");
        var rest = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // rest[0] is field 3 (state) in proc(5)'s numbering.
        if (rest.Length < 20)
            throw new FormatException($"short /proc stat line: '{line}'");
        return new ProcStat(
            Id: int.Parse(line.AsSpan(0, open).Trim(), CultureInfo.InvariantCulture),
            Name: line[(open + 1)..close],
            State: ProcessStates.FromProcLetter(rest[0][0]),
            ParentId: int.Parse(rest[1], CultureInfo.InvariantCulture),
            UserTicks: long.Parse(rest[11], CultureInfo.InvariantCulture),
            SystemTicks: long.Parse(rest[12], CultureInfo.InvariantCulture),
            ThreadCount: int.Parse(rest[17], CultureInfo.InvariantCulture),
            StartTicks: long.Parse(rest[19], CultureInfo.InvariantCulture));
    }
}
