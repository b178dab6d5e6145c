using System.Data.Common;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>A session and the transaction a request runs in; reads see one snapshot.</summary>
internal sealed record SqlScope(SqlSession Session, DbTransaction Transaction);
