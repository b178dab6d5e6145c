using K3s.ApiServer.Strategies;
using K3s.ApiServer.Tables;

namespace K3s.ApiServer.Resources;

/// <summary>The kinds served, looked up by group, version and plural as request paths name them.</summary>
public sealed class ResourceRegistry
{
    private readonly Dictionary<(string Group, string Version, string Plural), ResourceDefinition> byPath = [];

    public ResourceRegistry(IEnumerable<ResourceDefinition> definitions)
    {
        foreach (var definition in definitions)
            byPath[(definition.Group, definition.Version, definition.Plural)] = definition;
    }

    public IEnumerable<ResourceDefinition> All => byPath.Values;

    public ResourceDefinition? Find(string group, string version, string plural) =>
        byPath.GetValueOrDefault((group, version, plural));

    public IEnumerable<(string Group, string Version)> GroupVersions =>
        byPath.Values.Select(d => (d.Group, d.Version)).Distinct().OrderBy(gv => gv.Group, StringComparer.Ordinal);

    /// <summary>The kinds this first API server serves.</summary>
    public static ResourceRegistry BuiltIn() => new(
    [
        new ResourceDefinition("", "v1", "Namespace", "namespaces", Namespaced: false, ["ns"], new NamespaceStrategy())
        {
            Columns = [TableColumn.FieldAt("Status", "status.phase", "The status of the namespace")],
        },
        new ResourceDefinition("", "v1", "ConfigMap", "configmaps", Namespaced: true, ["cm"])
        {
            Columns = [TableColumn.CountOf("Data", "data", "Number of data entries")],
        },
        new ResourceDefinition("", "v1", "Secret", "secrets", Namespaced: true, [], new SecretStrategy())
        {
            Columns = [TableColumn.FieldAt("Type", "type", "The type of the secret"), TableColumn.CountOf("Data", "data", "Number of data entries")],
        },
    ]);
}
