namespace K3s.Core.Datastore;

/// <summary>What a backup file holds.</summary>
public enum BackupKind
{
    /// <summary>A SQLite copy of a kine state.db: every stored row, with its revisions and history.</summary>
    Sqlite,

    /// <summary>A logical dump of the live keys at one revision (JSON Lines, see <see cref="DumpFormat"/>).</summary>
    Dump,
}
