using System.Data.Common;

namespace K3s.Kine.Sql;

/// <summary>
/// Moves SQLite's WAL into the database file from a connection of its own, every second, with
/// PASSIVE checkpoints (they never block the writer or readers). SQLite's automatic checkpoint would
/// instead run inside the commit that crosses 1,000 WAL pages, and every write in that group commit
/// would wait for the database file's copy and fsync: the tail of the write latency.
/// </summary>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly DbConnection connection;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task running;

    public WalCheckpointer(DbConnection connection)
    {
        this.connection = connection;
        running = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping.Token))
            {
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                try
                {
                    command.ExecuteNonQuery();
                }
                catch (DbException)
                {
                    // Busy or interrupted: the next tick tries again, and the WAL only grows meanwhile.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await running;
        await connection.DisposeAsync();
        stopping.Dispose();
    }
}
