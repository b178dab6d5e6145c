namespace K3s.Kine.Sql;

/// <summary>The datastore cannot be used as it is (corrupt, not kine's, unreachable); the message names it.</summary>
public sealed class DatastoreException(string message, Exception? inner = null) : Exception(message, inner);
