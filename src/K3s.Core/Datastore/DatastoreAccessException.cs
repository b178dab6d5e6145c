namespace K3s.Core.Datastore;

/// <summary>Why a datastore cannot be read as asked; <see cref="ErrorId"/> is stable, for scripts to match on.</summary>
public sealed class DatastoreAccessException(string errorId, string message, Exception? inner = null) : Exception(message, inner)
{
    public const string FileNotFound = "DatastoreFileNotFound";
    public const string NotKine = "NotAKineDatabase";
    public const string Unreachable = "DatastoreUnreachable";
    public const string Compacted = "RevisionCompacted";
    public const string FutureRevision = "RevisionInFuture";
    /// <summary>The datastore holds a cluster whose bootstrap data another token sealed.</summary>
    public const string OtherClusterToken = "OtherClusterToken";

    public string ErrorId { get; } = errorId;
}
