namespace K3s.Core.Processes;

/// <summary>The scheduler state of a process or thread, as the STAT column of ps shows it.</summary>
public enum ProcessState
{
    Unknown,
    Running,
    Sleeping,
    DiskSleep,
    Stopped,
    TracingStop,
    Zombie,
    Dead,
    Idle,
}

public static class ProcessStates
{
    /// <summary>Maps the state letter of /proc/PID/stat (see proc(5)).</summary>
    public static ProcessState FromProcLetter(char letter) => letter switch
    {
        'R' => ProcessState.Running,
        'S' => ProcessState.Sleeping,
        'D' => ProcessState.DiskSleep,
        'T' => ProcessState.Stopped,
        't' => ProcessState.TracingStop,
        'Z' => ProcessState.Zombie,
        'X' or 'x' => ProcessState.Dead,
        'I' => ProcessState.Idle,
        _ => ProcessState.Unknown,
    };
}
