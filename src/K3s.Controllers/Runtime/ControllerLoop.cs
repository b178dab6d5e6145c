using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Runtime;

/// <summary>
/// Workers that take keys from a queue and reconcile them: a success forgets the key's backoff (and
/// requeues it if the reconciler asked), a write conflict puts it back shortly, and any other failure
/// puts it back after its next backoff delay.
/// </summary>
public sealed class ControllerLoop(string name, WorkQueue queue, IReconciler reconciler, ILogger logger, int workers = 1)
{
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(cancellationToken)));

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await queue.TakeAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                var again = await reconciler.ReconcileAsync(key, cancellationToken);
                queue.Forget(key);
                if (again is { } delay)
                    queue.AddAfter(key, delay);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (ApiErrors.IsConflict(e))
            {
                // Another writer got there first (a status update, a finalizer removed): not worth a
                // warning or a growing backoff; the key is simply looked at again shortly.
                logger.LogDebug("{Controller}: {Key}: conflict, looking again", name, key);
                queue.Forget(key);
                queue.AddAfter(key, ApiErrors.ConflictRetry);
            }
            catch (Exception e)
            {
                logger.LogWarning("{Controller}: {Key}: {Error}; retrying", name, key, e.Message);
                queue.AddRateLimited(key);
            }
            finally
            {
                queue.Done(key);
            }
        }
    }
}
