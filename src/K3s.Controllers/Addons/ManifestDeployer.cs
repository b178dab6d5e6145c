using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using K3s.Controllers.Runtime;
using K3s.Core.Serialization;
using Microsoft.Extensions.Logging;

namespace K3s.Controllers.Addons;

/// <summary>
/// k3s's deploy controller: the manifests in the server's manifests directory (<c>*.yaml</c>, <c>*.yml</c>,
/// <c>*.json</c>; a file <c>NAME.skip</c> beside one leaves it out) are applied when the controllers start
/// and whenever a file changes. Each object is created, or merged into the one that exists when its
/// manifest changed since that was applied (the hash it was applied from is kept in an annotation), so
/// what the cluster added (a Service's cluster IP, a Deployment's status) stays. A manifest that fails is
/// logged and tried again at the next pass. The objects of withdrawn manifests (a packaged component that
/// <c>--disable</c> now names) are deleted at the first pass, those a manifest made only (they carry its hash),
/// as k3s deletes a disabled component's.
/// </summary>
public sealed class ManifestDeployer(Kubernetes client, string directory, ILoggerFactory loggers, IReadOnlyList<string>? withdrawn = null)
{
    public const string AppliedHashAnnotation = "k3sps.io/manifest-hash";

    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    private readonly RawApi api = new(client);
    private readonly ILogger logger = loggers.CreateLogger<ManifestDeployer>();

    /// <summary>Each file's contents as last applied, by hash, so an unchanged file is not applied again.</summary>
    private readonly Dictionary<string, string> applied = new(StringComparer.Ordinal);

    private bool withdrawnRemoved = withdrawn is not { Count: > 0 };

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await ApplyChangedAsync(cancellationToken);
                await Task.Delay(Period, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass: every manifest whose contents changed since it was last applied.</summary>
    public async Task ApplyChangedAsync(CancellationToken cancellationToken)
    {
        // Discovery afresh each pass: a manifest may add a kind (a CRD) that another one uses.
        var resources = new ApiResources(api);
        if (!withdrawnRemoved)
            await RemoveWithdrawnAsync(resources, cancellationToken);
        foreach (var file in Manifests())
        {
            var text = await File.ReadAllTextAsync(file, cancellationToken);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
            if (applied.GetValueOrDefault(file) == hash)
                continue;
            try
            {
                var count = await ApplyAsync(resources, text, hash, cancellationToken);
                applied[file] = hash;
                logger.LogInformation("applied manifest {Manifest}: {Count} objects", Path.GetFileName(file), count);
            }
            catch (Exception e) when (e is FormatException or ApiCallException or HttpRequestException)
            {
                logger.LogWarning("manifest {Manifest} not applied, tried again in {Period}: {Error}", Path.GetFileName(file), Period, e.Message);
            }
        }
    }

    private async Task RemoveWithdrawnAsync(ApiResources resources, CancellationToken cancellationToken)
    {
        try
        {
            var removed = 0;
            // Last made, first deleted: a Deployment goes before the ServiceAccount its pods run as.
            foreach (var item in withdrawn!.SelectMany(Objects).Reverse())
            {
                if (await RemoveObjectAsync(resources, item, cancellationToken))
                    removed++;
            }
            withdrawnRemoved = true;
            if (removed > 0)
                logger.LogInformation("deleted {Count} objects of disabled components", removed);
        }
        catch (Exception e) when (e is FormatException or ApiCallException or HttpRequestException)
        {
            logger.LogWarning("objects of disabled components not deleted, tried again in {Period}: {Error}", Period, e.Message);
        }
    }

    /// <summary>Deletes an object a manifest made; false if there is none, or the one there was made otherwise.</summary>
    private async Task<bool> RemoveObjectAsync(ApiResources resources, JsonObject item, CancellationToken cancellationToken)
    {
        var (path, _) = await LocateAsync(resources, item, cancellationToken);
        try
        {
            var current = await api.GetAsync(path, cancellationToken);
            if (current["metadata"]?["annotations"]?[AppliedHashAnnotation] is null)
                return false;
            await api.DeleteAsync(path, cancellationToken);
            return true;
        }
        catch (ApiCallException e) when (ApiErrors.IsNotFound(e))
        {
            return false;
        }
    }

    private IEnumerable<string> Manifests() =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory)
                .Where(file => Extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase) && !File.Exists(file + ".skip"))
                .Order(StringComparer.Ordinal)
            : [];

    private static IEnumerable<JsonObject> Objects(string manifest) => YamlToJson.ConvertAll(manifest).OfType<JsonObject>().SelectMany(Expand);

    private async Task<int> ApplyAsync(ApiResources resources, string text, string hash, CancellationToken cancellationToken)
    {
        var objects = Objects(text).ToList();
        foreach (var item in objects)
            await ApplyObjectAsync(resources, item, hash, cancellationToken);
        return objects.Count;
    }

    /// <summary>A v1 List stands for its items.</summary>
    private static IEnumerable<JsonObject> Expand(JsonObject document) =>
        (string?)document["kind"] is { } kind && kind.EndsWith("List", StringComparison.Ordinal) && document["items"] is JsonArray items
            ? items.OfType<JsonObject>()
            : [document];

    /// <summary>An object's path (its collection's, then its name) and its collection's path.</summary>
    private static async Task<(string Path, string Collection)> LocateAsync(ApiResources resources, JsonObject item, CancellationToken cancellationToken)
    {
        var apiVersion = (string?)item["apiVersion"] ?? throw new FormatException("an object has no apiVersion");
        var kind = (string?)item["kind"] ?? throw new FormatException("an object has no kind");
        var metadata = item["metadata"] as JsonObject ?? throw new FormatException($"a {kind} has no metadata");
        var name = (string?)metadata["name"] ?? throw new FormatException($"a {kind} has no name");
        var resource = await resources.FindAsync(apiVersion, kind, cancellationToken);
        var collection = resource.CollectionPath(resource.Namespaced ? (string?)metadata["namespace"] ?? "default" : null);
        return ($"{collection}/{name}", collection);
    }

    private async Task ApplyObjectAsync(ApiResources resources, JsonObject item, string hash, CancellationToken cancellationToken)
    {
        var (path, collection) = await LocateAsync(resources, item, cancellationToken);
        var metadata = (JsonObject)item["metadata"]!;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        annotations[AppliedHashAnnotation] = hash;
        metadata["annotations"] = annotations;

        JsonObject current;
        try
        {
            current = await api.GetAsync(path, cancellationToken);
        }
        catch (ApiCallException e) when (ApiErrors.IsNotFound(e))
        {
            await api.PostAsync(collection, item, cancellationToken);
            return;
        }
        if ((string?)current["metadata"]?["annotations"]?[AppliedHashAnnotation] != hash)
            await api.MergePatchAsync(path, item, cancellationToken);
    }
}
