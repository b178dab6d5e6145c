namespace K3s.Core.Datastore;

/// <summary>A backup written by Backup-K3sDatastore.</summary>
/// <param name="Path">The backup file.</param>
/// <param name="Source">The state.db or the endpoint that was backed up.</param>
/// <param name="Revision">The datastore's revision the backup holds: every write up to it, none after.</param>
/// <param name="Keys">The live keys at that revision.</param>
/// <param name="Bytes">The size of the backup file.</param>
public sealed record BackupInfo(string Path, BackupKind Kind, string Source, long Revision, long Keys, long Bytes, TimeSpan Duration);
