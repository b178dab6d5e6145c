namespace K3s.Core.Processes;

/// <summary>
/// Reads the fields of one process so that a field the reader may not see is left empty and
/// named, rather than failing the whole process.
/// </summary>
internal sealed class FieldReader(Func<Exception, bool> isUnreadable)
{
    private readonly List<string> unreadable = [];

    public IReadOnlyList<string> UnreadableFields => unreadable;

    public T Read<T>(string field, T empty, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (isUnreadable(e))
        {
            unreadable.Add(field);
            return empty;
        }
    }
}
