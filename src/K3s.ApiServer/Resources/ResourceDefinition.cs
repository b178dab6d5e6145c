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

    /// <summary>Whether the table starts with NAME and has AGE after the kind's columns (events and RBAC kinds differ).</summary>
    public bool NameAndAge { get; init; } = true;

    /// <summary>Groupings such as "all" that `kubectl get all` expands.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Whether status is its own subresource: the main resource cannot change it, /status changes only it.</summary>
    public bool HasStatus { get; init; }

    /// <summary>Whether metadata.generation counts the changes of the spec (for controllers' observedGeneration).</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>Where the replica count lives, for kinds with a /scale subresource.</summary>
    public ScaleSubresource? Scale { get; init; }

    /// <summary>Fields besides metadata.name and metadata.namespace that field selectors may name ("spec.nodeName").</summary>
    public IReadOnlyList<string> FieldLabels { get; init; } = [];

    /// <summary>
    /// How objects are stored when the stored form is another version's (events.k8s.io/v1 Events are
    /// stored as core v1 Events); null: stored as served.
    /// </summary>
    public VersionConversion? Conversion { get; init; }

    public string Singular { get; init; } = Kind.ToLowerInvariant();

    /// <summary>Whether a DELETE that removes the object answers with it (pods, services) rather than a Status, as upstream's storage says per kind.</summary>
    public bool ReturnsDeletedObject { get; init; }

    /// <summary>The OpenAPI v3 schema of a custom resource, from its definition; null for the built-in kinds.</summary>
    public System.Text.Json.Nodes.JsonObject? Schema { get; init; }

    /// <summary>For a kind that is a question (access reviews): how it is answered; it is never stored.</summary>
    public Reviews.IReview? Review { get; init; }

    /// <summary>The verbs this kind allows (every verb, but only create for reviews).</summary>
    public IReadOnlyList<string> AllowedVerbs { get; init; } = Verbs;

    /// <summary>The custom resource definition a kind comes from, or null for the built-in kinds.</summary>
    public string? DefinedBy { get; init; }

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
    public IReadOnlyCollection<string> SelectableFields => [.. Namespaced ? ["metadata.name", "metadata.namespace"] : new[] { "metadata.name" }, .. FieldLabels];

    /// <summary>A subresource as discovery lists it: its name, the kind it answers with, and its verbs.</summary>
    public sealed record SubresourceEntry(string Name, string Group, string Version, string Kind, IReadOnlyList<string> Verbs);

    /// <summary>The subresources the handlers serve for this kind.</summary>
    public IEnumerable<SubresourceEntry> Subresources()
    {
        if (HasStatus)
            yield return new("status", Group, Version, Kind, ["get", "patch", "update"]);
        if (Scale is not null)
            yield return new("scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]);
        if (Group.Length == 0 && Kind == "Pod")
            yield return new("binding", "", "v1", "Binding", ["create"]);
        if (Group.Length == 0 && Kind == "Namespace")
            yield return new("finalize", "", "v1", "Namespace", ["update"]);
    }

    public static readonly IReadOnlyList<string> Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
}
