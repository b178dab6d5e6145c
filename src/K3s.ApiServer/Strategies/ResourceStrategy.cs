using System.Text.Json.Nodes;

namespace K3s.ApiServer.Strategies;

/// <summary>
/// What is particular to a kind on create and update: defaults it fills in and the rules it checks.
/// The generic store does everything else.
/// </summary>
public class ResourceStrategy
{
    /// <summary>Names are DNS-1123 subdomains unless a kind says otherwise.</summary>
    public virtual string? InvalidName(string name) => NameRules.NotASubdomain(name);

    /// <summary>Fills in defaults of a new object.</summary>
    public virtual void PrepareForCreate(JsonObject item) { }

    /// <summary>Fills in defaults of a replacement; <paramref name="old"/> is the stored object.</summary>
    public virtual void PrepareForUpdate(JsonObject item, JsonObject old) => PrepareForCreate(item);

    /// <summary>The field errors of an object about to be stored (field path, message).</summary>
    public virtual IEnumerable<(string Field, string Message)> Validate(JsonObject item) => [];

    public static readonly ResourceStrategy Default = new();
}
