using System.Data.Common;
using System.Threading.Channels;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>
/// SQLite allows one writer: all writes go through one connection, and the writes that queue up
/// while a commit is in flight are committed together in the next transaction (group commit),
/// so concurrent clients share one fsync. Each write runs in a savepoint: one that fails is
/// rolled back alone and the others commit.
/// </summary>
internal sealed class GroupCommitWriter : IWriteExecutor
{
    private const int MaxBatch = 512;

    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly DbConnection connection;
    private readonly Action committed;
    private readonly Task loop;

    public GroupCommitWriter(SqlDialect dialect, Action committed)
    {
        connection = dialect.OpenWriteConnection();
        this.committed = committed;
        loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public Task<T> WriteAsync<T>(Func<SqlScope, T> work, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(work);
        if (!queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(GroupCommitWriter));
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    private async Task Run()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
                batch.Add(pending);
            Commit(batch);
            batch.Clear();
        }
    }

    private void Commit(List<PendingWrite> batch)
    {
        try
        {
            using var transaction = connection.BeginTransaction();
            var scope = new SqlScope(connection, transaction);
            foreach (var pending in batch)
            {
                transaction.Save("write");
                if (!pending.Run(scope))
                    transaction.Rollback("write");
                transaction.Release("write");
            }
            transaction.Commit();
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
                pending.Fail(e);
            return;
        }
        foreach (var pending in batch)
            pending.Complete();
        committed();
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
        await connection.DisposeAsync();
    }

    private abstract class PendingWrite
    {
        /// <summary>Runs the work; false if it failed (its error is kept for <see cref="Complete"/>).</summary>
        public abstract bool Run(SqlScope scope);
        public abstract void Complete();
        public abstract void Fail(Exception exception);
    }

    private sealed class PendingWrite<T>(Func<SqlScope, T> work) : PendingWrite
    {
        private T? value;
        private Exception? error;

        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool Run(SqlScope scope)
        {
            try
            {
                value = work(scope);
                return true;
            }
            catch (Exception e)
            {
                error = e;
                return false;
            }
        }

        public override void Complete()
        {
            if (error is null)
                Result.TrySetResult(value!);
            else
                Result.TrySetException(error);
        }

        public override void Fail(Exception exception) => Result.TrySetException(exception);
    }
}
