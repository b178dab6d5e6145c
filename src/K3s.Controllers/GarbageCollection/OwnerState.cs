namespace K3s.Controllers.GarbageCollection;

/// <summary>What an owner reference points at, as the garbage collector classifies owners.</summary>
public enum OwnerState
{
    /// <summary>The owner exists (or its kind is not followed, so nothing is collected on a guess).</summary>
    Solid,

    /// <summary>No object with that name and uid exists: the reference dangles.</summary>
    Absent,

    /// <summary>The owner is being deleted in the foreground and waits for its dependents to go first.</summary>
    WaitingForDependents,
}
