using K3s.Core.Etcd;
using K3s.Kine.Leases;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>
/// etcd's writes over the kine log, inside one database transaction: Put, DeleteRange and Txn
/// (compares on value, version, create/mod revision and lease over a key or a range; put, range,
/// delete and nested txn operations in either branch). Each written key appends one row.
/// </summary>
internal sealed class TxnExecutor(SqlLog log, RangeReader reader)
{
    public PutResponse Put(WriteScope scope, PutRequest request)
    {
        var key = KeyCodec.Key(request.Key);
        var (session, transaction, _) = scope.Sql;
        var latest = log.Latest(session, transaction, key, long.MaxValue);
        var live = latest is { Deleted: false } ? latest : null;

        var value = request.Value.ToByteArray();
        if (request.IgnoreValue)
        {
            if (!request.Value.IsEmpty)
                throw EtcdErrors.ValueProvided();
            value = (live ?? throw EtcdErrors.KeyNotFound()).Value ?? [];
        }
        var lease = request.Lease;
        if (request.IgnoreLease)
        {
            if (lease != 0)
                throw EtcdErrors.LeaseProvided();
            lease = (live ?? throw EtcdErrors.KeyNotFound()).Lease;
        }
        else if (lease != 0 && LeaseTable.Find(session, transaction, lease) is null)
        {
            throw EtcdErrors.LeaseNotFound();
        }

        // A create follows the key's tombstone if it had one (keeping its value as old_value, as kine does);
        // a brand-new key has prev_revision 0, so two racing creates of it collide on the unique index.
        scope.Revision = live is null
            ? log.Insert(session, transaction, key, created: true, deleted: false, 0, latest?.Id ?? 0, lease, value, latest?.Value)
            : log.Insert(session, transaction, key, created: false, deleted: false, live.EffectiveCreateRevision, live.Id, lease, value, live.Value);

        var response = new PutResponse { Header = Headers.At(scope.Revision) };
        if (request.PrevKv && live is not null)
            response.PrevKv = KeyValues.From(live);
        return response;
    }

    public DeleteRangeResponse DeleteRange(WriteScope scope, DeleteRangeRequest request)
    {
        var range = KeyCodec.Range(request.Key, request.RangeEnd);
        var (session, transaction, _) = scope.Sql;
        var rows = log.LiveRange(session, transaction, range, scope.Revision, 0);
        Delete(scope, rows);
        var response = new DeleteRangeResponse { Header = Headers.At(scope.Revision), Deleted = rows.Count };
        if (request.PrevKv)
            response.PrevKvs.AddRange(rows.Select(row => KeyValues.From(row)));
        return response;
    }

    /// <summary>Appends a tombstone for each row; a tombstone keeps the last value, as kine's do.</summary>
    public void Delete(WriteScope scope, IEnumerable<KineRow> rows)
    {
        foreach (var row in rows)
        {
            Append(scope, new KineRow(0, row.Name, Created: false, Deleted: true, row.EffectiveCreateRevision, row.Id, row.Lease,
                row.Value, row.Value, Version: row.Version + 1, PrevLease: row.Lease));
        }
    }

    /// <summary>Appends a row (its id is the new revision) and records it for the watches.</summary>
    private void Append(WriteScope scope, KineRow row)
    {
        var (session, transaction, written) = scope.Sql;
        scope.Revision = log.Insert(session, transaction, row.Name, row.Created, row.Deleted, row.CreateRevision, row.PrevRevision,
            row.Lease, row.Value, row.OldValue);
        written?.Add(row with { Id = scope.Revision });
    }

    /// <summary>Runs a txn that <see cref="TxnValidation"/> accepted.</summary>
    public TxnResponse Txn(WriteScope scope, TxnRequest request)
    {
        var succeeded = request.Compare.All(compare => Holds(scope, compare));
        var response = new TxnResponse { Succeeded = succeeded };
        foreach (var operation in succeeded ? request.Success : request.Failure)
            response.Responses.Add(Apply(scope, operation));
        response.Header = Headers.At(scope.Revision);
        return response;
    }

    private ResponseOp Apply(WriteScope scope, RequestOp operation) => operation.RequestCase switch
    {
        RequestOp.RequestOneofCase.RequestRange => new ResponseOp
        {
            ResponseRange = reader.Range(scope.Sql, operation.RequestRange, scope.Revision, scope.CompactRevision),
        },
        RequestOp.RequestOneofCase.RequestPut => new ResponseOp { ResponsePut = Put(scope, operation.RequestPut) },
        RequestOp.RequestOneofCase.RequestDeleteRange => new ResponseOp { ResponseDeleteRange = DeleteRange(scope, operation.RequestDeleteRange) },
        RequestOp.RequestOneofCase.RequestTxn => new ResponseOp { ResponseTxn = Txn(scope, operation.RequestTxn) },
        _ => throw EtcdErrors.Error(Grpc.Core.StatusCode.InvalidArgument, "etcdserver: unknown request operation"),
    };

    /// <summary>
    /// A compare holds if it holds for every key of its range. With no key, a value compare fails and
    /// the others compare against an absent key (version, revisions and lease all 0), as in etcd.
    /// </summary>
    private bool Holds(WriteScope scope, Compare compare)
    {
        var range = KeyCodec.Range(compare.Key, compare.RangeEnd);
        var rows = log.LiveRange(scope.Sql.Session, scope.Sql.Transaction, range, scope.Revision, 0);
        if (rows.Count == 0)
            return compare.Target != Compare.Types.CompareTarget.Value && Holds(compare, null);
        return rows.All(row => Holds(compare, row));
    }

    /// <summary>The target picks the field; the target union gives the operand, or zero if it names another field.</summary>
    private static bool Holds(Compare compare, KineRow? row)
    {
        var union = compare.TargetUnionCase;
        var order = compare.Target switch
        {
            Compare.Types.CompareTarget.Value => ((ReadOnlySpan<byte>)(row?.Value ?? []))
                .SequenceCompareTo(union == Compare.TargetUnionOneofCase.Value ? compare.Value.Span : []),
            Compare.Types.CompareTarget.Version => (row?.Version ?? 0)
                .CompareTo(union == Compare.TargetUnionOneofCase.Version ? compare.Version : 0),
            Compare.Types.CompareTarget.Create => (row?.EffectiveCreateRevision ?? 0)
                .CompareTo(union == Compare.TargetUnionOneofCase.CreateRevision ? compare.CreateRevision : 0),
            Compare.Types.CompareTarget.Mod => (row?.Id ?? 0)
                .CompareTo(union == Compare.TargetUnionOneofCase.ModRevision ? compare.ModRevision : 0),
            Compare.Types.CompareTarget.Lease => (row?.Lease ?? 0)
                .CompareTo(union == Compare.TargetUnionOneofCase.Lease ? compare.Lease : 0),
            _ => 0,
        };
        return compare.Result switch
        {
            Compare.Types.CompareResult.Equal => order == 0,
            Compare.Types.CompareResult.NotEqual => order != 0,
            Compare.Types.CompareResult.Greater => order > 0,
            Compare.Types.CompareResult.Less => order < 0,
            _ => false,
        };
    }
}
