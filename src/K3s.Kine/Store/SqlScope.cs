using System.Data.Common;

namespace K3s.Kine.Store;

/// <summary>A connection and the transaction a request runs in; reads see one snapshot.</summary>
internal sealed record SqlScope(DbConnection Connection, DbTransaction Transaction);
