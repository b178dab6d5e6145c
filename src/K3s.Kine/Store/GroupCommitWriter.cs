using System.Collections.Concurrent;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>
/// SQLite allows one writer: all writes go through one session, and the writes that queue up
/// while a commit is in flight are committed together in the next transaction (group commit),
/// so concurrent clients share one fsync. Each write runs in a savepoint: one that fails is
/// rolled back alone and the others commit.
/// </summary>
internal sealed class GroupCommitWriter : IWriteExecutor
{
    private const int MaxBatch = 512;

    private readonly BlockingCollection<PendingWrite> queue = [];
    private readonly SqlSession session;
    private readonly Action<IReadOnlyList<KineRow>> committed;
    private readonly Thread thread;

    public GroupCommitWriter(SqlDialect dialect, Action<IReadOnlyList<KineRow>> committed)
    {
        session = dialect.OpenWriteSession();
        this.committed = committed;
        // A thread of its own: every commit blocks on fsync, which must not hold a thread-pool thread.
        thread = new Thread(Run) { IsBackground = true, Name = "kine writer" };
        thread.Start();
    }

    public Task<T> WriteAsync<T>(Func<SqlScope, T> work, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(work);
        if (!queue.TryAdd(pending))
            throw new ObjectDisposedException(nameof(GroupCommitWriter));
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    private void Run()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        foreach (var first in queue.GetConsumingEnumerable())
        {
            batch.Add(first);
            while (batch.Count < MaxBatch && queue.TryTake(out var pending))
                batch.Add(pending);
            Commit(batch);
            batch.Clear();
        }
    }

    private readonly List<KineRow> written = [];

    private void Commit(List<PendingWrite> batch)
    {
        try
        {
            using var transaction = session.Connection.BeginTransaction();
            if (batch is [var alone])
            {
                // A write alone needs no savepoint: if it fails, the whole transaction is rolled back.
                if (!Run(alone, transaction))
                {
                    transaction.Rollback();
                    alone.Complete();
                    return;
                }
            }
            else
            {
                foreach (var pending in batch)
                {
                    transaction.Save("write");
                    if (!Run(pending, transaction))
                        transaction.Rollback("write");
                    transaction.Release("write");
                }
            }
            transaction.Commit();
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
                pending.Fail(e);
            written.Clear();
            return;
        }
        foreach (var pending in batch)
            pending.Complete();
        try
        {
            committed(written);
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // Nobody to tell any more (the store is closing): the rows are committed all the same.
        }
        written.Clear();
    }

    /// <summary>Runs one write, keeping the rows it appended if it succeeds.</summary>
    private bool Run(PendingWrite pending, System.Data.Common.DbTransaction transaction)
    {
        var scope = new SqlScope(session, transaction, []);
        if (!pending.Run(scope))
            return false;
        written.AddRange(scope.Written!);
        return true;
    }

    public ValueTask DisposeAsync()
    {
        queue.CompleteAdding();
        thread.Join();
        session.Dispose();
        queue.Dispose();
        return ValueTask.CompletedTask;
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
