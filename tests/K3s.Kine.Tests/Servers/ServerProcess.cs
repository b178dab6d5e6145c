using System.Diagnostics;
using System.Runtime.InteropServices;

namespace K3s.Kine.Tests.Servers;

/// <summary>
/// One real server started by the tests: a temporary directory, the setup commands run in it, and the
/// server process itself. Output is kept (bounded) so a failure can show why; Dispose stops the server by
/// its PID and deletes the directory.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    public const int SigInt = 2;
    public const int SigTerm = 15;
    private const int SigKill = 9;
    private const int Esrch = 3;

    // Enough for a server's start-up and shutdown chatter; older lines are dropped so a chatty server cannot grow it.
    private const int MaxLogLines = 2000;

    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly TemporaryDirectory directory = new();
    private readonly Queue<string> log = new();
    private readonly int stopSignal;
    private Process? process;
    private int id;

    // /proc start time of our process, so a PID the kernel has reused for another process is not taken for ours.
    private long processStartTime = -1;
    private bool disposed;

    /// <param name="name">Names the server in diagnostics.</param>
    /// <param name="stopSignal">What asks this server for a clean shutdown (<see cref="SigTerm"/>, or <see cref="SigInt"/> for PostgreSQL's fast shutdown).</param>
    public ServerProcess(string name, int stopSignal = SigTerm)
    {
        Name = name;
        this.stopSignal = stopSignal;
    }

    public string Name { get; }

    /// <summary>The server's own directory (working directory of every command); deleted on Dispose.</summary>
    public string Directory => directory.Path;

    /// <summary>The server's PID; still readable after Dispose, so a test can check that it is gone.</summary>
    public int Id => process is null ? throw new InvalidOperationException($"{Name} has not been started.") : id;

    /// <summary>The last lines written by the setup commands and the server, stdout and stderr interleaved.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return string.Join('\n', log);
            }
        }
    }

    public bool HasExited => process is not null && (disposed || !IsRunning(process));

    /// <summary>Runs a setup command (initdb, install-db, chown) to completion; a non-zero exit fails with the log.</summary>
    public async Task RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        using var command = new Process { StartInfo = CreateStartInfo(fileName, arguments) };
        StartCapturing(command);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await command.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            command.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name}: '{fileName}' did not finish within {timeout}.\n{Log}");
        }

        if (command.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Name}: '{fileName}' exited with code {command.ExitCode}.\n{Log}");
        }
    }

    /// <summary>Starts the server; it must stay in the foreground so that the PID we hold is the server's.</summary>
    public void Start(string fileName, IEnumerable<string> arguments)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (process is not null)
        {
            throw new InvalidOperationException($"{Name} is already started.");
        }

        var started = new Process { StartInfo = CreateStartInfo(fileName, arguments) };
        try
        {
            StartCapturing(started);
        }
        catch
        {
            started.Dispose();
            throw;
        }

        (process, id) = (started, started.Id);
        processStartTime = ReadStartTime(id);
    }

    /// <summary>
    /// Polls <paramref name="isReady"/> until it returns true. Fails with the log as soon as the server exits,
    /// or when <paramref name="timeout"/> passes; exceptions from the probe count as "not yet".
    /// </summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> isReady, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string? lastProbeFailure = null;
        while (true)
        {
            if (HasExited)
            {
                var exitCode = process is { HasExited: true } ? process.ExitCode.ToString() : "unknown";
                throw new InvalidOperationException($"{Name} exited (code {exitCode}) before it was ready.\n{Log}");
            }

            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                if (await isReady(attempt.Token))
                {
                    return;
                }
            }
            catch (Exception exception)
            {
                lastProbeFailure = exception.Message;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"{Name} (PID {Id}) was not ready within {timeout}; last probe: {lastProbeFailure ?? "not ready"}.\n{Log}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>
    /// Starts a server again with fresh ports when the port chosen by <see cref="FreePort"/> was taken before
    /// the server could bind it.
    /// </summary>
    public static async Task<T> RetryOnPortClashAsync<T>(Func<Task<T>> start, int attempts = 3)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (Exception exception) when (
                attempt < attempts && exception.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            if (process is not null)
            {
                Stop(process);
            }
        }
        finally
        {
            directory.Dispose();
        }
    }

    private void Stop(Process server)
    {
        if (IsRunning(server))
        {
            Signal(stopSignal);
            if (!WaitUntilGone(GracefulStopTimeout))
            {
                Signal(SigKill);
                if (!WaitUntilGone(KillTimeout))
                {
                    throw new InvalidOperationException($"{Name} (PID {Id}) is still running after SIGKILL.\n{Log}");
                }
            }
        }

        // The async overload also waits for the output readers to reach end of stream, so the log ends with the
        // server's shutdown lines; bounded, because a leftover child of the server could keep the pipes open.
        using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            server.WaitForExitAsync(drained.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        server.Close();
    }

    private void Signal(int signal)
    {
        if (SendSignal(Id, signal) != 0 && Marshal.GetLastPInvokeError() != Esrch)
        {
            throw new InvalidOperationException(
                $"kill({Id}, {signal}) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    private bool WaitUntilGone(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!IsGone())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(PollInterval);
        }

        return true;
    }

    private bool IsRunning(Process server) => !server.HasExited && !IsGone();

    /// <summary>
    /// Gone means no /proc entry, a zombie (it has exited; only the reaping is left), or a different process
    /// under the same PID. kill -0 cannot tell: it succeeds on a zombie.
    /// </summary>
    private bool IsGone()
    {
        var stat = ReadStat(Id);
        return stat is null || stat.Value.State is 'Z' or 'X' || (processStartTime >= 0 && stat.Value.StartTime != processStartTime);
    }

    /// <summary>True when no live process has this PID, by the same rule Dispose waits for.</summary>
    public static bool IsProcessGone(int pid) => ReadStat(pid) is null or { State: 'Z' or 'X' };

    private static long ReadStartTime(int pid) => ReadStat(pid)?.StartTime ?? -1;

    private static (char State, long StartTime)? ReadStat(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // The command name (field 2) may hold spaces and parentheses; fields after the last ')' are plain.
        // Field 3 is the state and field 22 the start time, i.e. indexes 0 and 19 after the name.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture));
    }

    private ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            // The test host's own directory may not be readable by the postgres user.
            WorkingDirectory = Directory,
            // A server must not share the test host's stdin; it gets an empty one.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    private void StartCapturing(Process started)
    {
        // Lines are labelled by program; under setpriv, by the program it runs.
        var arguments = started.StartInfo.ArgumentList;
        var wrapped = arguments.IndexOf("--");
        var program = Path.GetFileName(
            Path.GetFileName(started.StartInfo.FileName) == "setpriv" && wrapped >= 0 && wrapped + 1 < arguments.Count
                ? arguments[wrapped + 1]
                : started.StartInfo.FileName);
        Append(program, $"$ {started.StartInfo.FileName} {string.Join(' ', arguments)}");
        started.OutputDataReceived += (_, line) => Append(program, line.Data);
        started.ErrorDataReceived += (_, line) => Append(program, line.Data);
        started.Start();
        started.StandardInput.Close();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
    }

    private void Append(string program, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.Enqueue($"[{program}] {line}");
            while (log.Count > MaxLogLines)
            {
                log.Dequeue();
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
