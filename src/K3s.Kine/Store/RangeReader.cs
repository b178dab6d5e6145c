using K3s.Core.Etcd;
using K3s.Kine.Sql;

namespace K3s.Kine.Store;

/// <summary>etcd's Range over the kine log: revision checks, limit and count, sorting and filters.</summary>
internal sealed class RangeReader(SqlLog log)
{
    public RangeResponse Range(SqlScope scope, RangeRequest request, long current, long compact)
    {
        var range = KeyCodec.Range(request.Key, request.RangeEnd);
        var revision = ReadRevision(request.Revision, current, compact);

        // Sorting other than by key, and the revision filters, need every key before the limit applies.
        var sortOrder = request.SortOrder;
        if (sortOrder == RangeRequest.Types.SortOrder.None && request.SortTarget != RangeRequest.Types.SortTarget.Key)
            sortOrder = RangeRequest.Types.SortOrder.Ascend;
        var inMemory = (sortOrder != RangeRequest.Types.SortOrder.None && !(sortOrder == RangeRequest.Types.SortOrder.Ascend && request.SortTarget == RangeRequest.Types.SortTarget.Key))
            || request.MinModRevision != 0 || request.MaxModRevision != 0 || request.MinCreateRevision != 0 || request.MaxCreateRevision != 0;
        var fetchLimit = request.Limit > 0 && !inMemory ? request.Limit + 1 : 0;

        var response = new RangeResponse { Header = Headers.At(current) };
        if (request.CountOnly && !inMemory)
        {
            response.Count = log.CountRange(scope.Session, scope.Transaction, range, revision);
            return response;
        }

        var rows = log.LiveRange(scope.Session, scope.Transaction, range, revision, fetchLimit);
        response.Count = fetchLimit > 0 && rows.Count >= fetchLimit
            ? log.CountRange(scope.Session, scope.Transaction, range, revision)
            : rows.Count;
        IEnumerable<KineRow> selected = rows.Where(row => Matches(request, row));
        if (inMemory)
            selected = Sort(selected, sortOrder, request.SortTarget);
        var list = selected.ToList();
        if (request.Limit > 0 && list.Count > request.Limit)
        {
            list.RemoveRange((int)request.Limit, list.Count - (int)request.Limit);
            response.More = true;
        }
        if (!request.CountOnly)
            response.Kvs.AddRange(list.Select(row => KeyValues.From(row, request.KeysOnly)));
        return response;
    }

    /// <summary>Revision 0 is the current one; a future or compacted revision is etcd's error.</summary>
    public static long ReadRevision(long requested, long current, long compact)
    {
        if (requested <= 0)
            return current;
        if (requested > current)
            throw EtcdErrors.FutureRevision();
        if (requested < compact)
            throw EtcdErrors.Compacted();
        return requested;
    }

    private static bool Matches(RangeRequest request, KineRow row)
    {
        var created = row.EffectiveCreateRevision;
        return (request.MinModRevision == 0 || row.Id >= request.MinModRevision)
            && (request.MaxModRevision == 0 || row.Id <= request.MaxModRevision)
            && (request.MinCreateRevision == 0 || created >= request.MinCreateRevision)
            && (request.MaxCreateRevision == 0 || created <= request.MaxCreateRevision);
    }

    private static IEnumerable<KineRow> Sort(IEnumerable<KineRow> rows, RangeRequest.Types.SortOrder order, RangeRequest.Types.SortTarget target)
    {
        var comparer = Comparer<KineRow>.Create(target switch
        {
            RangeRequest.Types.SortTarget.Version => (a, b) => a.Version.CompareTo(b.Version),
            RangeRequest.Types.SortTarget.Create => (a, b) => a.EffectiveCreateRevision.CompareTo(b.EffectiveCreateRevision),
            RangeRequest.Types.SortTarget.Mod => (a, b) => a.Id.CompareTo(b.Id),
            RangeRequest.Types.SortTarget.Value => (a, b) => ((ReadOnlySpan<byte>)(a.Value ?? [])).SequenceCompareTo(b.Value ?? []),
            _ => (a, b) => string.CompareOrdinal(a.Name, b.Name),
        });
        return order == RangeRequest.Types.SortOrder.Descend ? rows.OrderDescending(comparer) : rows.Order(comparer);
    }
}
