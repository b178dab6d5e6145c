using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using K3s.Core.Datastore;

namespace K3s.PowerShell.Datastore;

/// <summary>
/// Completes -Prefix and -Key from the store's keys, a path segment at a time as file names are
/// completed, reading the same datastore the command would (-DataDir, -Path or -Endpoint).
/// </summary>
public sealed class DatastoreKeyCompleter : IArgumentCompleter
{
    private const int MaxKeysRead = 5000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = wordToComplete.Trim('\'', '"');
        var directory = typed[..(typed.LastIndexOf('/') + 1)];
        var candidates = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            using var timeout = new CancellationTokenSource(Patience);
            var reader = Open(fakeBoundParameters);
            try
            {
                Collect(reader, directory, typed, candidates, timeout.Token).GetAwaiter().GetResult();
            }
            finally
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception e) when (e is DatastoreAccessException or OperationCanceledException)
        {
            // No datastore to read, or too slow to wait for: no completions.
        }
        return candidates.Select(candidate => new CompletionResult(
            candidate.Contains(' ') ? $"'{candidate}'" : candidate, candidate, CompletionResultType.ParameterValue, candidate));
    }

    private static async Task Collect(IDatastoreReader reader, string directory, string typed, SortedSet<string> candidates,
        CancellationToken cancellationToken)
    {
        var read = 0;
        await foreach (var row in reader.ListAsync(KeySelection.Under(directory), 0, cancellationToken))
        {
            if (++read > MaxKeysRead)
                break;
            if (!row.Key.StartsWith(typed, StringComparison.Ordinal))
                continue;
            // The next segment: a sub-prefix ("…/name/") or the key itself.
            var slash = row.Key.IndexOf('/', directory.Length);
            candidates.Add(slash < 0 ? row.Key : row.Key[..(slash + 1)]);
        }
    }

    private static IDatastoreReader Open(IDictionary bound)
    {
        if (bound["Path"] is string path && path.Length > 0)
            return DatastoreSource.OpenPath(path);
        if (bound["Endpoint"] is string endpoint && endpoint.Length > 0)
            return DatastoreSource.OpenEndpoint(endpoint);
        return DatastoreSource.OpenDataDir(bound["DataDir"] as string ?? DatastoreSource.DefaultDataDir);
    }
}
