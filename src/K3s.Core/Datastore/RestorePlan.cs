namespace K3s.Core.Datastore;

/// <summary>A restore that has been checked and whose backup has been verified, before anything is written.</summary>
/// <param name="DatabasePath">The state.db that will be written: <c>&lt;DataDir&gt;/server/db/state.db</c>.</param>
/// <param name="ReplacesExisting">Whether a state.db is there now (allowed only with -Force).</param>
public sealed record RestorePlan(string BackupPath, string DataDir, string DatabasePath, BackupContents Contents, bool ReplacesExisting);
