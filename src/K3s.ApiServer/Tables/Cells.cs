using System.Globalization;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Tables;

/// <summary>Cell values several kinds share, formatted as kubectl's printers format them.</summary>
public static class Cells
{
    public const string None = "<none>";

    public static string? Age(string? timestamp, DateTimeOffset now) =>
        timestamp is not null && DateTimeOffset.TryParse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? HumanDuration.Format(now - at)
            : null;

    /// <summary>"k=v,k2=v2" of a string map, or &lt;none&gt;.</summary>
    public static string Pairs(JsonNode? map) =>
        map is JsonObject pairs && pairs.Count > 0 ? string.Join(",", pairs.Select(pair => $"{pair.Key}={pair.Value}")) : None;

    /// <summary>A label selector as kubectl prints it: matchLabels, then matchExpressions.</summary>
    public static string Selector(JsonNode? selector)
    {
        var parts = new List<string>();
        if (JsonPaths.Get(selector, "matchLabels") is JsonObject labels)
            parts.AddRange(labels.Select(pair => $"{pair.Key}={pair.Value}"));
        foreach (var expression in JsonPaths.Objects(selector, "matchExpressions"))
        {
            var key = JsonPaths.GetString(expression, "key");
            var values = string.Join(",", (expression["values"] as JsonArray)?.Select(v => v?.ToString()) ?? []);
            parts.Add(JsonPaths.GetString(expression, "operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key!,
                _ => $"!{key}",
            });
        }
        return parts.Count > 0 ? string.Join(",", parts) : None;
    }

    /// <summary>The names and the images of a pod template's containers (-o wide).</summary>
    public static TableColumn[] TemplateContainers(string podSpecPath) =>
    [
        new("Containers", "Names of each container in the template.", item => Join(JsonPaths.Objects(item, podSpecPath + ".containers").Select(c => JsonPaths.GetString(c, "name"))), 1),
        new("Images", "Images referenced by each container in the template.", item => Join(JsonPaths.Objects(item, podSpecPath + ".containers").Select(c => JsonPaths.GetString(c, "image"))), 1),
    ];

    public static TableColumn SelectorColumn(string path = "spec.selector") =>
        new("Selector", "The label selector.", item => Selector(JsonPaths.Get(item, path)), 1);

    /// <summary>The first few of a list and how many more ("a,b,c + 2 more..."), as kubectl abbreviates.</summary>
    public static string FirstFew(IReadOnlyList<string> values, int shown = 3)
    {
        if (values.Count == 0)
            return None;
        var head = string.Join(",", values.Take(shown));
        return values.Count > shown ? $"{head} + {values.Count - shown} more..." : head;
    }

    public static string Join(IEnumerable<string?> values)
    {
        var list = values.Where(v => !string.IsNullOrEmpty(v)).ToList();
        return list.Count > 0 ? string.Join(",", list) : None;
    }

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
