using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Patching;

/// <summary>RFC 6902 JSON patch: add, remove, replace, move, copy and test, at RFC 6901 JSON pointers.</summary>
public static class JsonPatch
{
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
            throw ApiException.BadRequest("a JSON patch is an array of operations");
        var result = document.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op || (string?)op["op"] is not { } kind || (string?)op["path"] is not { } path)
                throw ApiException.BadRequest("each JSON patch operation needs \"op\" and \"path\"");
            switch (kind)
            {
                case "add":
                    Add(ref result, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    Remove(result, path);
                    break;
                case "replace":
                    Remove(result, path);
                    Add(ref result, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    var moved = Get(result, From(op));
                    Remove(result, From(op));
                    Add(ref result, path, moved);
                    break;
                case "copy":
                    Add(ref result, path, Get(result, From(op))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(result, path), op["value"]))
                        throw new ApiException(422, "Invalid", $"the test of {path} failed");
                    break;
                default:
                    throw ApiException.BadRequest($"unknown JSON patch operation \"{kind}\"");
            }
        }
        return result;
    }

    private static string From(JsonObject op) => (string?)op["from"] ?? throw ApiException.BadRequest("\"move\" and \"copy\" need \"from\"");

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0)
            return [];
        if (pointer[0] != '/')
            throw ApiException.BadRequest($"\"{pointer}\" is not a JSON pointer");
        return pointer[1..].Split('/').Select(token => token.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    private static JsonNode? Get(JsonNode root, string pointer) => Walk(root, Tokens(pointer), pointer);

    /// <summary>The node the tokens lead to from the root; a missing step is 422, as upstream answers.</summary>
    private static JsonNode? Walk(JsonNode root, IEnumerable<string> tokens, string pointer)
    {
        JsonNode? node = root;
        foreach (var token in tokens)
        {
            node = node switch
            {
                JsonObject obj when obj.ContainsKey(token) => obj[token],
                JsonArray array when int.TryParse(token, out var index) && index >= 0 && index < array.Count => array[index],
                _ => throw new ApiException(422, "Invalid", $"the path {pointer} does not exist"),
            };
        }
        return node;
    }

    private static void Add(ref JsonNode root, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0)
        {
            root = value ?? throw ApiException.BadRequest("cannot replace the whole document with null");
            return;
        }
        var parent = Walk(root, tokens.SkipLast(1), pointer);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array when int.TryParse(last, out var index) && index >= 0 && index <= array.Count:
                array.Insert(index, value);
                break;
            default:
                throw new ApiException(422, "Invalid", $"cannot add at {pointer}");
        }
    }

    private static void Remove(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Count == 0)
            throw ApiException.BadRequest("cannot remove the whole document");
        var parent = Walk(root, tokens.SkipLast(1), pointer);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj.Remove(last);
                break;
            case JsonArray array when int.TryParse(last, out var index) && index >= 0 && index < array.Count:
                array.RemoveAt(index);
                break;
            default:
                throw new ApiException(422, "Invalid", $"the path {pointer} does not exist");
        }
    }
}
