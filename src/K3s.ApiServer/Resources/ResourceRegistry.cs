using K3s.ApiServer.Resources.Kinds;
using K3s.ApiServer.Security;
using K3s.ApiServer.Strategies;

namespace K3s.ApiServer.Resources;

/// <summary>
/// The kinds served, looked up by group, version and plural as request paths name them. The built-in
/// kinds are fixed; custom resources come and go with their definitions.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly Lock gate = new();
    private Dictionary<(string Group, string Version, string Plural), ResourceDefinition> byPath = [];

    public ResourceRegistry(IEnumerable<ResourceDefinition> definitions)
    {
        foreach (var definition in definitions)
            byPath[(definition.Group, definition.Version, definition.Plural)] = definition;
    }

    /// <summary>Bumped on every change, so documents built from the registry (OpenAPI) know when to rebuild.</summary>
    public int Generation { get; private set; }

    public IReadOnlyCollection<ResourceDefinition> All => byPath.Values;

    public ResourceDefinition? Find(string group, string version, string plural) =>
        byPath.GetValueOrDefault((group, version, plural));

    /// <summary>The served kind a group and kind name (the latest version served).</summary>
    public ResourceDefinition? FindKind(string group, string kind) =>
        byPath.Values.Where(d => d.Group == group && d.Kind == kind).OrderByDescending(d => d.Version, StringComparer.Ordinal).FirstOrDefault();

    public IEnumerable<(string Group, string Version)> GroupVersions =>
        byPath.Values.Select(d => (d.Group, d.Version)).Distinct().OrderBy(gv => gv.Group, StringComparer.Ordinal);

    /// <summary>Replaces the kinds one custom resource definition serves (none: it is gone).</summary>
    public void ReplaceDefinedBy(string definitionName, IEnumerable<ResourceDefinition> definitions)
    {
        lock (gate)
        {
            // Readers take the dictionary without a lock, so a change builds a new one.
            var next = byPath.Where(pair => pair.Value.DefinedBy != definitionName).ToDictionary();
            foreach (var definition in definitions)
            {
                var key = (definition.Group, definition.Version, definition.Plural);
                if (next.TryGetValue(key, out var existing) && existing.DefinedBy is null)
                    continue; // A custom resource never shadows a built-in kind.
                next[key] = definition;
            }
            byPath = next;
            Generation++;
        }
    }

    /// <summary>Every built-in kind; the reviews ask <paramref name="authorizer"/>, new pods get <paramref name="defaultTolerations"/>.</summary>
    public static ResourceRegistry BuiltIn(IAuthorizer? authorizer = null, DefaultTolerationSeconds? defaultTolerations = null) =>
        new([.. CoreKinds.All(defaultTolerations), .. AppsKinds.All(), .. BatchKinds.All(), .. ClusterKinds.All(), .. ReviewKinds.All(authorizer ?? new AllowAuthenticated())]);
}
