using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>
/// PostgreSQL and MySQL take concurrent writers, from this process and from other servers sharing
/// the database: each write is its own serializable transaction, retried when it loses a race
/// (serialization failure, deadlock, or a (name, prev_revision) already taken).
/// </summary>
internal sealed class TransactionalWriter(SqlDialect dialect, Action<IReadOnlyList<KineRow>> committed) : IWriteExecutor
{
    private const int MaxAttempts = 30;

    public async Task<T> WriteAsync<T>(Func<SqlScope, T> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                T result;
                List<KineRow> written = [];
                using (var session = dialect.OpenWriteSession())
                {
                    await using var transaction = await session.Connection.BeginTransactionAsync(dialect.WriteIsolation, cancellationToken);
                    result = work(new SqlScope(session, transaction, written));
                    await transaction.CommitAsync(cancellationToken);
                }
                committed(written);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && (dialect.IsTransientConflict(e) || dialect.IsUniqueViolation(e)))
            {
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellationToken);
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
