namespace K3s.Kine.Store;

/// <summary>Runs write work in a database transaction and reports each commit with the rows it appended.</summary>
internal interface IWriteExecutor : IAsyncDisposable
{
    /// <summary>Runs <paramref name="work"/> in a write transaction; its result is returned once committed.</summary>
    Task<T> WriteAsync<T>(Func<SqlScope, T> work, CancellationToken cancellationToken);
}
