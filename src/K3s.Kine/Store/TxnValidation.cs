using K3s.Core.Etcd;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>
/// etcd's checks on a txn before it runs: at most <see cref="EtcdErrors.MaxTxnOps"/> compares and
/// operations in a branch, and no key written twice in one branch (a put twice, or a put inside a deleted range),
/// counting the operations of nested txns.
/// </summary>
internal static class TxnValidation
{
    public static void Check(TxnRequest request)
    {
        CheckSize(request);
        Writes(request.Success);
        Writes(request.Failure);
    }

    private static void CheckSize(TxnRequest request)
    {
        if (Math.Max(request.Compare.Count, Math.Max(request.Success.Count, request.Failure.Count)) > EtcdErrors.MaxTxnOps)
            throw EtcdErrors.TooManyOps();
    }

    /// <summary>The keys a branch puts and the ranges it deletes; throws on a duplicate.</summary>
    private static (HashSet<string> Puts, List<KeyRange> Deletes) Writes(IEnumerable<RequestOp> branch)
    {
        var puts = new HashSet<string>(StringComparer.Ordinal);
        var deletes = new List<KeyRange>();
        foreach (var operation in branch)
        {
            switch (operation.RequestCase)
            {
                case RequestOp.RequestOneofCase.RequestPut:
                    if (!puts.Add(KeyCodec.Key(operation.RequestPut.Key)))
                        throw EtcdErrors.DuplicateKey();
                    break;
                case RequestOp.RequestOneofCase.RequestDeleteRange:
                    deletes.Add(KeyCodec.Range(operation.RequestDeleteRange.Key, operation.RequestDeleteRange.RangeEnd));
                    break;
                case RequestOp.RequestOneofCase.RequestTxn:
                    var nested = operation.RequestTxn;
                    CheckSize(nested);
                    var (successPuts, successDeletes) = Writes(nested.Success);
                    var (failurePuts, failureDeletes) = Writes(nested.Failure);
                    // Only one nested branch runs: its puts may repeat the other branch's, not the outer ones.
                    var nestedPuts = successPuts.Union(failurePuts).ToList();
                    if (nestedPuts.Any(puts.Contains))
                        throw EtcdErrors.DuplicateKey();
                    puts.UnionWith(nestedPuts);
                    deletes.AddRange(successDeletes.Concat(failureDeletes));
                    break;
            }
        }
        if (puts.Any(key => deletes.Any(range => range.Contains(key))))
            throw EtcdErrors.DuplicateKey();
        return (puts, deletes);
    }
}
