using System.Text.Json.Nodes;

namespace K3s.ApiServer.Patching;

/// <summary>RFC 7386 JSON merge patch: objects merge member by member, null removes, anything else replaces.</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
            return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
                result.Remove(name);
            else
                result[name] = Apply(result[name]?.DeepClone(), value);
        }
        return result;
    }
}
