namespace K3s.Kine.Sql;

/// <summary>
/// The keys an etcd request names: one key, every key from a key on (range_end "\0"), or the
/// half-open interval [key, range_end).
/// </summary>
public readonly record struct KeyRange(string Start, string? End, bool IsSingleKey)
{
    public static KeyRange Single(string key) => new(key, key, true);

    public static KeyRange From(string start) => new(start, null, false);

    public static KeyRange Between(string start, string end) => new(start, end, false);

    public bool Contains(string key) =>
        IsSingleKey ? key == Start
        : string.CompareOrdinal(key, Start) >= 0 && (End is null || string.CompareOrdinal(key, End) < 0);

    /// <summary>The SQL condition on <paramref name="column"/>, with parameters @start and @end.</summary>
    public string Condition(string column) =>
        IsSingleKey ? $"{column} = @start"
        : End is null ? $"{column} >= @start"
        : $"{column} >= @start AND {column} < @end";
}
