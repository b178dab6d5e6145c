namespace K3s.Core.Datastore;

/// <summary>What a verified backup file holds.</summary>
/// <param name="Revision">The revision it was taken at.</param>
/// <param name="Keys">The live keys at that revision.</param>
public sealed record BackupContents(BackupKind Kind, long Revision, long Keys);
