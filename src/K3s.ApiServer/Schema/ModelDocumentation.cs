using System.Xml;
using System.Xml.Linq;

namespace K3s.ApiServer.Schema;

/// <summary>
/// The descriptions of KubernetesClient's model types and properties, which are upstream's field comments,
/// read from the package's XML documentation file. The file is large (25 MB), so it is read once, on the
/// first lookup, streamed, keeping only k8s.Models members. No file means no descriptions.
/// </summary>
public sealed class ModelDocumentation
{
    private const string FileName = "KubernetesClient.xml";
    private readonly Lazy<IReadOnlyDictionary<string, string>> summaries;

    public ModelDocumentation(string? path) => summaries = new Lazy<IReadOnlyDictionary<string, string>>(() => Read(path));

    public static ModelDocumentation Shared { get; } = new(Locate());

    /// <summary>The summary of a member by its documentation id ("P:k8s.Models.V1DeploymentSpec.Replicas").</summary>
    public string? Find(string documentationId) => summaries.Value.GetValueOrDefault(documentationId);

    public static string TypeId(Type type) => "T:" + type.FullName;

    public static string PropertyId(Type type, string property) => $"P:{type.FullName}.{property}";

    /// <summary>Beside the app (copied from the package at build), or beside the KubernetesClient assembly.</summary>
    private static string? Locate()
    {
        var beside = Path.GetDirectoryName(typeof(k8s.Models.V1Pod).Assembly.Location);
        return new[] { AppContext.BaseDirectory, beside }
            .Where(directory => !string.IsNullOrEmpty(directory))
            .Select(directory => Path.Combine(directory!, FileName))
            .FirstOrDefault(File.Exists);
    }

    private static Dictionary<string, string> Read(string? path)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path))
            return found;
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { IgnoreWhitespace = true, IgnoreComments = true });
            while (!reader.EOF)
            {
                if (reader.NodeType != XmlNodeType.Element || reader.Name != "member")
                {
                    reader.Read();
                    continue;
                }
                var name = reader.GetAttribute("name");
                if (name is null || !(name.StartsWith("T:k8s.Models.", StringComparison.Ordinal) || name.StartsWith("P:k8s.Models.", StringComparison.Ordinal)))
                {
                    reader.Skip();
                    continue;
                }
                // ReadFrom leaves the reader on the next member.
                if (XNode.ReadFrom(reader) is XElement member && member.Element("summary")?.Value is { } summary && Unwrap(summary) is { Length: > 0 } text)
                    found[name] = text;
            }
        }
        catch (XmlException)
        {
            // A damaged file costs descriptions, not the documents.
        }
        return found;
    }

    /// <summary>The generator wraps upstream's one-line descriptions at 80 columns; join them back.</summary>
    private static string Unwrap(string summary) =>
        string.Join(' ', summary.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));
}
