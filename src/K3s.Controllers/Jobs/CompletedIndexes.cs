namespace K3s.Controllers.Jobs;

/// <summary>status.completedIndexes of an Indexed Job: ascending indexes with runs written as ranges, "1,3-5,7".</summary>
public static class CompletedIndexes
{
    public static string Format(IEnumerable<int> indexes)
    {
        var parts = new List<string>();
        int? start = null, end = null;
        foreach (var index in indexes.Distinct().Order())
        {
            if (end is { } last && index == last + 1)
            {
                end = index;
                continue;
            }
            if (start is not null)
                parts.Add(Range(start.Value, end!.Value));
            (start, end) = (index, index);
        }
        if (start is not null)
            parts.Add(Range(start.Value, end!.Value));
        return string.Join(',', parts);
    }

    private static string Range(int start, int end) => start == end ? $"{start}" : $"{start}-{end}";
}
