namespace K3s.ApiServer.Storage;

/// <summary>How dependents of a deleted object are treated (metav1.DeletionPropagation).</summary>
public enum Propagation { Background, Orphan, Foreground }

/// <summary>
/// What a delete asks for (metav1.DeleteOptions): preconditions on the stored object, a grace period
/// for pods on a node, and how the garbage collector treats the object's dependents.
/// </summary>
public sealed record DeleteOptions
{
    public static readonly DeleteOptions Default = new();

    /// <summary>The stored resourceVersion must be this one.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>The stored uid must be this one.</summary>
    public string? Uid { get; init; }

    /// <summary>Seconds a running pod has to stop; 0 deletes at once; null: the pod's own terminationGracePeriodSeconds.</summary>
    public long? GracePeriodSeconds { get; init; }

    public Propagation Propagation { get; init; }

    /// <summary>The finalizer the garbage collector acts on for a propagation policy (none for background).</summary>
    public string? PropagationFinalizer => Propagation switch
    {
        Propagation.Orphan => "orphan",
        Propagation.Foreground => "foregroundDeletion",
        _ => null,
    };
}
