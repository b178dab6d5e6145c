using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace K3s.Kine.Tests.EtcdApi;

/// <summary>
/// Keeps what an in-process server logs at warning level and above (with exceptions, which gRPC hides from the
/// client behind "Exception was thrown by handler."), until a test takes it into its output.
/// </summary>
public sealed class ServerLog : ILoggerFactory, ILoggerProvider
{
    private const int MaxEntries = 500;

    private readonly ConcurrentQueue<string> entries = new();

    /// <summary>Everything logged since the last call.</summary>
    public List<string> Drain()
    {
        var drained = new List<string>();
        while (entries.TryDequeue(out var entry))
            drained.Add(entry);
        return drained;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void Add(string entry)
    {
        entries.Enqueue(entry);
        while (entries.Count > MaxEntries && entries.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
        }
    }
}
