using System.Data.Common;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>
/// A session and the transaction a request runs in; reads see one snapshot. A write records the
/// rows it appends in <paramref name="Written"/>, so that once committed they can go to watches
/// without being read back.
/// </summary>
internal sealed record SqlScope(SqlSession Session, DbTransaction Transaction, List<KineRow>? Written = null);
