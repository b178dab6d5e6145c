using K3s.ApiServer.Strategies;
using K3s.ApiServer.Tables;

namespace K3s.ApiServer.Resources;

/// <summary>
/// A kind the API serves: its names, scope, storage prefix and strategy. Every handler, the store
/// and discovery work from these, so a new kind is one definition.
/// </summary>
public sealed record ResourceDefinition(
    string Group,
    string Version,
    string Kind,
    string Plural,
    bool Namespaced,
    IReadOnlyList<string> ShortNames,
    ResourceStrategy? Strategy = null,
    string? StoragePrefix = null)
{
    /// <summary>The columns kubectl shows besides NAME and AGE.</summary>
    public IReadOnlyList<TableColumn> Columns { get; init; } = [];

    public string Singular => Kind.ToLowerInvariant();

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    public ResourceStrategy Rules => Strategy ?? ResourceStrategy.Default;

    /// <summary>The resource as messages name it ("configmaps", or "deployments.apps").</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The datastore prefix, as the upstream API server lays keys out ("/registry/configmaps/").</summary>
    public string KeyPrefix => "/registry/" + (StoragePrefix ?? Plural) + "/";

    public string Key(string? @namespace, string name) =>
        Namespaced ? $"{KeyPrefix}{@namespace}/{name}" : KeyPrefix + name;

    /// <summary>The prefix of a list: every namespace, or one.</summary>
    public string ListPrefix(string? @namespace) => Namespaced && @namespace is not null ? $"{KeyPrefix}{@namespace}/" : KeyPrefix;

    /// <summary>The fields every kind can be selected by.</summary>
    public IReadOnlyCollection<string> SelectableFields => Namespaced ? ["metadata.name", "metadata.namespace"] : ["metadata.name"];

    public static readonly IReadOnlyList<string> Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}
