namespace K3s.Core.Datastore;

/// <summary>A state.db written by Restore-K3sDatastore.</summary>
/// <param name="DatabasePath">The restored state.db: <c>&lt;DataDir&gt;/server/db/state.db</c>.</param>
/// <param name="BackupRevision">The revision the backup was taken at.</param>
/// <param name="Revision">
/// The restored database's current revision: the backup's for a SQLite backup; for a dump, the keys
/// are written anew, one revision each, so it is the number of keys.
/// </param>
/// <param name="Bytes">The size of the restored state.db.</param>
/// <param name="Replaced">Whether a state.db was there before and has been replaced.</param>
public sealed record RestoreInfo(
    string DataDir,
    string DatabasePath,
    string BackupPath,
    BackupKind Kind,
    long BackupRevision,
    long Revision,
    long Keys,
    long Bytes,
    bool Replaced,
    TimeSpan Duration);
