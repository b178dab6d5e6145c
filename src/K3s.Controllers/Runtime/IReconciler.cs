namespace K3s.Controllers.Runtime;

/// <summary>What a controller does for one key: bring the world in line with the object it names.</summary>
public interface IReconciler
{
    /// <summary>Reconciles a key; returns a delay to look again after, or null when done. Throwing retries with backoff.</summary>
    Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken);
}
