using System.Management.Automation;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>
/// What every datastore cmdlet shares: where to read (-DataDir, -Path, -Endpoint), error records
/// with stable ids, and running async work on the pipeline thread, cancelled by Ctrl+C.
/// </summary>
public abstract class DatastoreCmdlet : PSCmdlet, IDisposable
{
    protected const string DataDirSet = "DataDir";
    protected const string PathSet = "Path";
    protected const string EndpointSet = "Endpoint";

    private readonly CancellationTokenSource stopping = new();
    private IDatastoreReader? reader;

    /// <summary>A K3sPs or k3s data dir: its running server's kine.sock, else its server/db/state.db.</summary>
    [Parameter(ParameterSetName = DataDirSet)]
    public string DataDir { get; set; } = DatastoreSource.DefaultDataDir;

    /// <summary>A kine state.db, read offline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>An etcd v3 endpoint: http://host:port, or unix:///path/to/kine.sock.</summary>
    [Parameter(Mandatory = true, ParameterSetName = EndpointSet)]
    public string Endpoint { get; set; } = "";

    protected CancellationToken Cancellation => stopping.Token;

    protected override void StopProcessing() => stopping.Cancel();

    /// <summary>The datastore the parameters name, opened on first use and closed with the cmdlet.</summary>
    protected IDatastoreReader Reader => reader ??= OpenReader();

    /// <summary>The reader for the parameters given; a terminating error if it cannot be opened.</summary>
    protected IDatastoreReader OpenReader()
    {
        try
        {
            return ParameterSetName switch
            {
                PathSet => DatastoreSource.OpenPath(GetUnresolvedProviderPathFromPSPath(Path)),
                EndpointSet => DatastoreSource.OpenEndpoint(Endpoint),
                _ => DatastoreSource.OpenDataDir(GetUnresolvedProviderPathFromPSPath(DataDir)),
            };
        }
        catch (DatastoreAccessException e)
        {
            ThrowTerminatingError(Error(e));
            throw; // unreachable: ThrowTerminatingError throws
        }
    }

    /// <summary>Waits for async work on the pipeline thread; datastore errors become error records.</summary>
    protected T Wait<T>(Func<CancellationToken, Task<T>> work)
    {
        try
        {
            return work(Cancellation).GetAwaiter().GetResult();
        }
        catch (DatastoreAccessException e)
        {
            ThrowTerminatingError(Error(e));
            throw;
        }
    }

    /// <summary>Enumerates async results on the pipeline thread, so Write* may be called for each; stops on Ctrl+C.</summary>
    protected IEnumerable<T> Each<T>(IAsyncEnumerable<T> source)
    {
        var enumerator = source.GetAsyncEnumerator(Cancellation);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult();
                }
                catch (Exception) when (Cancellation.IsCancellationRequested)
                {
                    yield break; // Ctrl+C: gRPC reports it as its own Cancelled error
                }
                catch (DatastoreAccessException e)
                {
                    ThrowTerminatingError(Error(e));
                    yield break;
                }
                if (!more)
                    yield break;
                yield return enumerator.Current;
            }
        }
        finally
        {
            try
            {
                enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Cancelled by Ctrl+C: nothing left to release.
            }
        }
    }

    public void Dispose()
    {
        reader?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        stopping.Dispose();
    }

    protected static ErrorRecord Error(DatastoreAccessException e) =>
        new(e, e.ErrorId, e.ErrorId switch
        {
            DatastoreAccessException.FileNotFound => ErrorCategory.ObjectNotFound,
            DatastoreAccessException.NotKine => ErrorCategory.InvalidData,
            DatastoreAccessException.Unreachable => ErrorCategory.ConnectionError,
            CompactableDatastore.WriteFailed => ErrorCategory.WriteError,
            CompactableDatastore.VacuumNeedsStoppedServer => ErrorCategory.ResourceBusy,
            _ => ErrorCategory.InvalidArgument,
        }, null);
}
