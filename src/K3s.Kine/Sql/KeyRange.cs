namespace K3s.Kine.Sql;

/// <summary>
/// The keys an etcd request names: one key, every key from a key on (range_end "\0"), or the
/// half-open interval [key, range_end). Keys hold no NUL, so a bound ending in one ("k\0", as clients
/// write "the key after k" when paging) is k itself, exclusive at the start and inclusive at the end.
/// </summary>
public readonly record struct KeyRange(string Start, string? End, bool IsSingleKey, bool StartExclusive = false, bool EndInclusive = false)
{
    public static KeyRange Single(string key) => new(key, key, true);

    public static KeyRange From(string start, bool exclusive = false) => new(start, null, false, exclusive);

    public static KeyRange Between(string start, string end, bool startExclusive = false, bool endInclusive = false) =>
        new(start, end, false, startExclusive, endInclusive);

    public bool Contains(string key)
    {
        if (IsSingleKey)
            return key == Start;
        var fromStart = string.CompareOrdinal(key, Start);
        if (StartExclusive ? fromStart <= 0 : fromStart < 0)
            return false;
        if (End is null)
            return true;
        var toEnd = string.CompareOrdinal(key, End);
        return EndInclusive ? toEnd <= 0 : toEnd < 0;
    }

    /// <summary>The SQL condition on <paramref name="column"/>, with parameters @start and @end.</summary>
    public string Condition(string column)
    {
        if (IsSingleKey)
            return $"{column} = @start";
        var start = $"{column} {(StartExclusive ? ">" : ">=")} @start";
        return End is null ? start : $"{start} AND {column} {(EndInclusive ? "<=" : "<")} @end";
    }
}
