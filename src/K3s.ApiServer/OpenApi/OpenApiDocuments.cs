using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using K3s.ApiServer.Resources;
using K3s.ApiServer.Schema;

namespace K3s.ApiServer.OpenApi;

/// <summary>
/// The OpenAPI documents of what is served now, serialized once per state of the served kinds: they are
/// large (megabytes) and asked for by every kubectl apply, so each is built on its first request and kept
/// until a kind (or a custom resource's schema) comes or goes.
/// </summary>
public sealed class OpenApiDocuments
{
    private readonly Func<IEnumerable<ResourceDefinition>> definitions;
    private readonly Func<ResourceDefinition, JsonObject?>? customSchema;
    private readonly KindSchemas kinds;
    private readonly Lock gate = new();
    private Snapshot? current;

    /// <param name="definitions">The kinds served, asked again on each request so that kinds added later appear.</param>
    /// <param name="customSchema">A custom resource's openAPIV3Schema, or null for kinds the catalog describes.</param>
    /// <param name="catalog">The built-in kinds' schemas; the shared catalog by default.</param>
    public OpenApiDocuments(Func<IEnumerable<ResourceDefinition>> definitions, Func<ResourceDefinition, JsonObject?>? customSchema = null,
        SchemaCatalog? catalog = null)
    {
        this.definitions = definitions;
        this.customSchema = customSchema;
        kinds = new KindSchemas(catalog ?? SchemaCatalog.Shared, customSchema);
    }

    /// <summary>A served group version's document and the hash its index entry carries.</summary>
    public sealed record Document(byte[] Json, string Hash);

    /// <summary>/openapi/v2 as JSON.</summary>
    public byte[] V2() => Now().V2.Value;

    /// <summary>/openapi/v3: each group version's path and the URL of its document, with the document's hash.</summary>
    public byte[] V3Index() => Now().V3.Value.Index;

    /// <summary>/openapi/v3/PATH ("api/v1", "apis/apps/v1"), or null if that group version is not served.</summary>
    public Document? V3(string path) => Now().V3.Value.Documents.GetValueOrDefault(path);

    private Snapshot Now()
    {
        var served = definitions().ToList();
        var fingerprint = Fingerprint(served);
        lock (gate)
        {
            if (current?.Fingerprint != fingerprint)
                current = new Snapshot(fingerprint, served, kinds);
            return current;
        }
    }

    /// <summary>What the documents depend on: each kind's names and scope, and its custom schema if any.</summary>
    private string Fingerprint(List<ResourceDefinition> served)
    {
        var text = new StringBuilder();
        foreach (var definition in served.OrderBy(definition => definition.Group, StringComparer.Ordinal)
                     .ThenBy(definition => definition.Version, StringComparer.Ordinal).ThenBy(definition => definition.Plural, StringComparer.Ordinal))
        {
            text.Append(definition.Group).Append('/').Append(definition.Version).Append('/').Append(definition.Kind).Append('/')
                .Append(definition.Plural).Append('/').Append(definition.Namespaced).Append('/');
            text.Append(customSchema?.Invoke(definition)?.ToJsonString()).Append('\n');
        }
        return Hash(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Upstream's hash of a document: SHA-512, in hex.</summary>
    public static string Hash(byte[] bytes) => Convert.ToHexString(SHA512.HashData(bytes));

    private sealed record V3Set(byte[] Index, Dictionary<string, Document> Documents);

    private sealed class Snapshot(string fingerprint, List<ResourceDefinition> served, KindSchemas kinds)
    {
        public string Fingerprint { get; } = fingerprint;

        public Lazy<byte[]> V2 { get; } = new(() => Encoding.UTF8.GetBytes(OpenApiV2Builder.Build(served, kinds).ToJsonString()));

        // The index needs every document's hash, so the group versions are built together.
        public Lazy<V3Set> V3 { get; } = new(() =>
        {
            var documents = OpenApiV3Builder.Build(served, kinds).ToDictionary(
                entry => entry.Key,
                entry =>
                {
                    var json = Encoding.UTF8.GetBytes(entry.Value.ToJsonString());
                    return new Document(json, Hash(json));
                },
                StringComparer.Ordinal);
            var paths = new JsonObject();
            foreach (var (path, document) in documents.OrderBy(entry => entry.Key, StringComparer.Ordinal))
                paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={document.Hash}" };
            return new V3Set(Encoding.UTF8.GetBytes(new JsonObject { ["paths"] = paths }.ToJsonString()), documents);
        });
    }
}
