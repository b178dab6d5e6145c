using System.Text.Json;
using System.Text.Json.Nodes;
using K3s.ApiServer.Machinery;

namespace K3s.ApiServer.Patching;

/// <summary>
/// Kubernetes' strategic merge patch, applied as the API server applies it (apimachinery's strategicpatch
/// with parallel lists merged and unmatched nulls ignored). Objects merge like JSON merge patch; lists whose
/// schema says "merge" merge item by item on their merge key (or as a set, for primitives); other lists are
/// replaced. Directives: <c>$patch</c> (replace, delete), <c>$retainKeys</c>, <c>$setElementOrder/&lt;list&gt;</c>
/// and <c>$deleteFromPrimitiveList/&lt;list&gt;</c>.
/// </summary>
public static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>Returns <paramref name="original"/> with <paramref name="patch"/> applied; neither is changed.</summary>
    public static JsonObject Apply(JsonObject original, JsonNode patch, IPatchSchema? schema)
    {
        if (patch is not JsonObject patchObject)
            throw ApiException.BadRequest("a strategic merge patch must be a JSON object");
        return MergeMap((JsonObject)original.DeepClone(), patchObject, schema);
    }

    // original is this call's to change (Apply cloned it); patch is only read, and what of it reaches the
    // result goes in as a copy.
    private static JsonObject MergeMap(JsonObject original, JsonObject patch, IPatchSchema? schema)
    {
        if (patch.TryGetPropertyValue(PatchDirective, out var directive))
        {
            switch (DirectiveName(directive))
            {
                case "replace":
                    // The map becomes the rest of the patch, itself applied to nothing so no directive survives.
                    var rest = (JsonObject)patch.DeepClone();
                    rest.Remove(PatchDirective);
                    return MergeMap([], rest, schema);
                case "delete":
                    // Upstream answers an empty map here, not a missing field.
                    return [];
                default:
                    throw ApiException.BadRequest($"unknown patch type: {directive?.ToJsonString()} in map: {patch.ToJsonString()}");
            }
        }

        ApplyRetainKeys(original, patch);
        var ordered = MergeOrderedLists(original, patch, schema);

        foreach (var (key, patchValue) in patch)
        {
            if (key is PatchDirective or RetainKeysDirective || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
                continue;
            if (ordered.TryGetValue(key, out var orderedList))
            {
                // Already merged and ordered; a list new to the object takes its place in the patch's order.
                if (orderedList is not null)
                    original[key] = ToArray(orderedList);
                continue;
            }

            var name = key;
            var isDeleteList = key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal);
            if (isDeleteList)
            {
                name = key[DeleteFromPrimitiveListPrefix.Length..];
                if (name.Length == 0 || patchValue is not JsonArray)
                    throw ApiException.BadRequest("invalid patch format of primitive list");
            }
            var fieldSchema = FieldOf(schema, name);

            if (patchValue is null)
            {
                original.Remove(name);
                continue;
            }

            if (!original.TryGetPropertyValue(name, out var current) || current is null || !SameShape(current, patchValue))
            {
                // Nothing to merge with: the patch value is taken (deletions of absent values do nothing).
                if (!isDeleteList)
                    SetOrRemove(original, name, FromPatch(patchValue, fieldSchema));
                continue;
            }

            // Values are changed where they stand, so the field keeps its place in the object.
            switch (current, patchValue)
            {
                case (JsonObject, JsonObject patchObject) when Strategy(fieldSchema) == "replace":
                    SetOrRemove(original, name, FromPatch(patchObject, fieldSchema));
                    break;
                case (JsonObject currentObject, JsonObject patchObject):
                    var merged = MergeMap(currentObject, patchObject, fieldSchema);
                    if (!ReferenceEquals(merged, currentObject))
                        original[name] = merged;
                    break;
                case (JsonArray currentList, JsonArray patchList):
                    Refill(currentList, MergeList(TakeItems(currentList), patchList, fieldSchema, isDeleteList));
                    break;
                default:
                    original[name] = patchValue.DeepClone();
                    break;
            }
        }
        return original;
    }

    /// <summary>
    /// <c>$retainKeys</c>: fields of the original not listed are cleared before merging. Every field the patch
    /// sets must be listed.
    /// </summary>
    private static void ApplyRetainKeys(JsonObject original, JsonObject patch)
    {
        if (!patch.TryGetPropertyValue(RetainKeysDirective, out var retain))
            return;
        if (retain is not JsonArray retainList || retainList.Any(item => item?.GetValueKind() != JsonValueKind.String))
            throw ApiException.BadRequest("invalid patch format of retainKeys");
        var kept = retainList.Select(item => (string)item!).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in patch)
        {
            if (value is null || key is PatchDirective or RetainKeysDirective || IsListDirective(key))
                continue;
            if (!kept.Contains(key))
                throw ApiException.BadRequest("invalid patch format of retainKeys");
        }
        foreach (var key in original.Select(property => property.Key).Where(key => !kept.Contains(key)).ToList())
            original.Remove(key);
    }

    /// <summary>
    /// <c>$setElementOrder/&lt;list&gt;</c>: merges that list with its patch list, then orders the result.
    /// Items named by the directive follow its order; items only on the server keep their order among
    /// themselves and are placed before the first named item that came after them on the server.
    /// Lists already in the object are updated in place; the result maps each list handled here to its new
    /// items when the object did not have it yet, or to null.
    /// </summary>
    private static Dictionary<string, List<JsonNode?>?> MergeOrderedLists(JsonObject original, JsonObject patch, IPatchSchema? schema)
    {
        var done = new Dictionary<string, List<JsonNode?>?>(StringComparer.Ordinal);
        foreach (var (key, orderValue) in patch)
        {
            if (!key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
                continue;
            var name = key[SetElementOrderPrefix.Length..];
            if (name.Length == 0 || orderValue is not JsonArray order)
                throw ApiException.BadRequest("invalid patch format of setElementOrder list");

            var fieldSchema = FieldOf(schema, name);
            var mergeKey = MergeKey(fieldSchema);
            var originalList = ListOrNull(original, name);
            var patchList = ListOrNull(patch, name);
            if (originalList is null && patchList is null)
                continue;
            CheckOrderMatchesPatch(patchList, order, mergeKey);

            var originalItems = originalList is null ? [] : TakeItems(originalList);
            var serverOrder = originalItems.ToList();
            var merged = (originalList, patchList) switch
            {
                (_, null) => originalItems,
                (null, _) => CleanItems(patchList, fieldSchema?.Items),
                _ => MergeList(originalItems, patchList, fieldSchema, isDeleteList: false),
            };
            if (merged.Count > 0)
            {
                ElementKind(serverOrder, patchList?.ToList() ?? []);
                var (named, serverOnly) = Partition(merged, [.. order], mergeKey);
                merged = Normalize(named, serverOnly, [.. order], serverOrder, mergeKey);
            }
            if (originalList is not null)
                Refill(originalList, merged);
            done[name] = originalList is null ? merged : null;
        }
        return done;
    }

    /// <summary>A list field: merged when its strategy says so (or when the patch deletes primitives), replaced otherwise.</summary>
    private static List<JsonNode?> MergeList(List<JsonNode?> original, JsonArray patch, IPatchSchema? schema, bool isDeleteList)
    {
        var itemSchema = schema?.Items;
        if (Strategy(schema) != "merge" && !isDeleteList)
            return CleanItems(patch, itemSchema);
        if (original.Count == 0 && patch.Count == 0)
            return original;

        List<JsonNode?> patchItems = [.. patch];
        if (ElementKind(original, patchItems) != JsonValueKind.Object)
        {
            if (isDeleteList)
                return [.. original.Where(item => !patchItems.Any(deleted => JsonNode.DeepEquals(item, deleted)))];
            var union = new List<JsonNode?>();
            foreach (var item in original.Concat(patchItems.Select(item => item?.DeepClone())))
            {
                if (!union.Any(present => JsonNode.DeepEquals(present, item)))
                    union.Add(item);
            }
            var (inPatch, serverOnly) = Partition(union, patchItems, mergeKey: null);
            return Normalize(inPatch, serverOnly, patchItems, original, mergeKey: null);
        }

        var mergeKey = MergeKey(schema) ?? throw ApiException.BadRequest("cannot merge lists without merge key");
        (original, patchItems) = ApplyListDirectives(original, patchItems, mergeKey, itemSchema);
        var serverOrder = original.ToList();
        foreach (var item in patchItems.Cast<JsonObject>())
        {
            var keyValue = KeyOf(item, mergeKey);
            var index = original.FindIndex(present => JsonNode.DeepEquals(KeyOf(present, mergeKey), keyValue));
            if (index >= 0)
                original[index] = MergeMap((JsonObject)original[index]!, item, itemSchema);
            else
                original.Add(FromPatch(item, itemSchema));
        }
        var (patched, untouched) = Partition(original, patchItems, mergeKey);
        return Normalize(patched, untouched, patchItems, serverOrder, mergeKey);
    }

    /// <summary>
    /// Items of a merging list that carry <c>$patch</c>: "delete" removes the original items with that key,
    /// "replace" makes the list exactly the patch's other items. Returns the original and the plain patch items.
    /// </summary>
    private static (List<JsonNode?> Original, List<JsonNode?> Patch) ApplyListDirectives(
        List<JsonNode?> original, List<JsonNode?> patch, string mergeKey, IPatchSchema? itemSchema)
    {
        var plain = new List<JsonNode?>();
        var replace = false;
        foreach (var item in patch.Cast<JsonObject>())
        {
            if (!item.TryGetPropertyValue(PatchDirective, out var directive))
            {
                plain.Add(item);
                continue;
            }
            switch (DirectiveName(directive))
            {
                case "delete":
                    var keyValue = KeyOf(item, mergeKey);
                    original = [.. original.Where(present => !JsonNode.DeepEquals(KeyOf(present, mergeKey), keyValue))];
                    break;
                case "replace":
                    replace = true;
                    break;
                case "merge":
                    throw ApiException.BadRequest("merging lists cannot yet be specified in the patch");
                default:
                    throw ApiException.BadRequest($"unknown patch type: {directive?.ToJsonString()} in map: {item.ToJsonString()}");
            }
        }
        return replace ? ([.. plain.Select(item => FromPatch(item, itemSchema))], []) : (original, plain);
    }

    /// <summary>Splits <paramref name="items"/> into those <paramref name="by"/> names and the others, keeping order.</summary>
    private static (List<JsonNode?> Named, List<JsonNode?> Others) Partition(List<JsonNode?> items, List<JsonNode?> by, string? mergeKey)
    {
        var named = new List<JsonNode?>();
        var others = new List<JsonNode?>();
        foreach (var item in items)
            (IndexIn(by, item, mergeKey) >= 0 ? named : others).Add(item);
        return (named, others);
    }

    /// <summary>
    /// Sorts the patch's items by <paramref name="patchOrder"/> and the server's by <paramref name="serverOrder"/>,
    /// then interleaves them: a server item goes first only when both are on the server and it came first there.
    /// </summary>
    private static List<JsonNode?> Normalize(
        List<JsonNode?> fromPatch, List<JsonNode?> serverOnly, List<JsonNode?> patchOrder, List<JsonNode?> serverOrder, string? mergeKey)
    {
        if (mergeKey is not null)
        {
            foreach (var item in fromPatch.Concat(serverOnly).Concat(patchOrder))
                KeyOf(item, mergeKey);
        }
        var right = SortBy(fromPatch, patchOrder, mergeKey);
        var left = SortBy(serverOnly, serverOrder, mergeKey);

        var result = new List<JsonNode?>(left.Count + right.Count);
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            if (j >= right.Count)
                result.Add(left[i++]);
            else if (i >= left.Count)
                result.Add(right[j++]);
            else
            {
                var leftAt = IndexIn(serverOrder, left[i], mergeKey);
                var rightAt = IndexIn(serverOrder, right[j], mergeKey);
                result.Add(leftAt >= 0 && rightAt >= 0 && leftAt < rightAt ? left[i++] : right[j++]);
            }
        }
        return result;
    }

    // Stable; items the order does not name go last.
    private static List<JsonNode?> SortBy(List<JsonNode?> items, List<JsonNode?> order, string? mergeKey) =>
        [.. items.OrderBy(item => IndexIn(order, item, mergeKey) is var at && at >= 0 ? at : int.MaxValue)];

    private static int IndexIn(List<JsonNode?> list, JsonNode? item, string? mergeKey)
    {
        var wanted = mergeKey is null ? item : KeyOf(item, mergeKey);
        return list.FindIndex(candidate => JsonNode.DeepEquals(mergeKey is null ? candidate : KeyOf(candidate, mergeKey), wanted));
    }

    /// <summary>
    /// The patch list must name its items in the order of <c>$setElementOrder</c> (deleted items aside).
    /// </summary>
    private static void CheckOrderMatchesPatch(JsonArray? patchList, JsonArray order, string? mergeKey)
    {
        if (patchList is null || patchList.Count == 0 || order.Count == 0)
            return;
        var items = patchList.Where(item => DirectiveName((item as JsonObject)?[PatchDirective]) is null).ToList();
        int patchAt = 0, orderAt = 0;
        while (patchAt < items.Count && orderAt < order.Count)
        {
            var same = mergeKey is null
                ? JsonNode.DeepEquals(items[patchAt], order[orderAt])
                : JsonNode.DeepEquals(KeyOf(items[patchAt], mergeKey), KeyOf(order[orderAt], mergeKey));
            if (same)
                patchAt++;
            orderAt++;
        }
        if (patchAt < items.Count)
            throw ApiException.BadRequest($"the order in patch list {patchList.ToJsonString()} doesn't match $setElementOrder list {order.ToJsonString()}");
    }

    /// <summary>
    /// A patch value with nothing to merge with. Maps are applied to nothing, so nulls and directives drop out
    /// and a map that is only a <c>$patch: delete</c> is no value at all.
    /// </summary>
    private static JsonNode? FromPatch(JsonNode? value, IPatchSchema? schema) => value switch
    {
        JsonObject map when map.ContainsKey(PatchDirective) && DirectiveName(map[PatchDirective]) == "delete" => null,
        JsonObject map => MergeMap([], map, schema),
        JsonArray list => ToArray(CleanItems(list, schema?.Items)),
        _ => value?.DeepClone(),
    };

    /// <summary>The items of a list the patch sets whole; as upstream, items carrying <c>$patch</c> are dropped.</summary>
    private static List<JsonNode?> CleanItems(JsonArray list, IPatchSchema? itemSchema) =>
        [.. list.Where(item => item is not JsonObject map || !map.ContainsKey(PatchDirective)).Select(item => FromPatch(item, itemSchema))];

    /// <summary>The type all items of a merging list share; lists of lists and mixed lists are refused.</summary>
    private static JsonValueKind ElementKind(List<JsonNode?> original, List<JsonNode?> patch)
    {
        JsonValueKind? kind = null;
        foreach (var item in original.Concat(patch))
        {
            var itemKind = item?.GetValueKind() ?? JsonValueKind.Null;
            if (itemKind == JsonValueKind.False)
                itemKind = JsonValueKind.True;
            if (itemKind == JsonValueKind.Array)
                throw new ApiException(422, "Invalid", "lists of lists are not supported");
            if (kind is { } seen && seen != itemKind)
                throw ApiException.BadRequest("list element types are not identical");
            kind = itemKind;
        }
        return kind ?? JsonValueKind.Undefined;
    }

    private static JsonNode? KeyOf(JsonNode? item, string mergeKey)
    {
        if (item is not JsonObject map || !map.TryGetPropertyValue(mergeKey, out var value))
            throw ApiException.BadRequest($"map: {item?.ToJsonString() ?? "null"} does not contain declared merge key: {mergeKey}");
        return value;
    }

    private static IPatchSchema? FieldOf(IPatchSchema? schema, string name) => schema?.Field(name) ?? schema?.Items;

    // "merge,retainKeys" merges; retainKeys itself travels as the $retainKeys directive.
    private static string? Strategy(IPatchSchema? schema) =>
        schema?.PatchStrategy?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(strategy => strategy != "retainKeys");

    private static string? MergeKey(IPatchSchema? schema) => string.IsNullOrEmpty(schema?.PatchMergeKey) ? null : schema.PatchMergeKey;

    private static string? DirectiveName(JsonNode? directive) =>
        directive is JsonValue value && value.TryGetValue<string>(out var name) ? name : directive is null ? null : "";

    private static bool IsListDirective(string key) =>
        key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal);

    private static bool SameShape(JsonNode current, JsonNode patch) =>
        (current, patch) switch
        {
            (JsonObject, JsonObject) or (JsonArray, JsonArray) => true,
            (JsonObject, _) or (_, JsonObject) or (JsonArray, _) or (_, JsonArray) => false,
            _ => true,
        };

    private static JsonArray? ListOrNull(JsonObject map, string name) => map[name] switch
    {
        null => null,
        JsonArray list => list,
        var other => throw ApiException.BadRequest($"expected a list for {name}, but received {other.GetValueKind()}"),
    };

    private static void SetOrRemove(JsonObject map, string name, JsonNode? value)
    {
        if (value is null)
            map.Remove(name);
        else
            map[name] = value;
    }

    // Items leave their array so they can join another.
    private static List<JsonNode?> TakeItems(JsonArray list)
    {
        var items = list.ToList();
        list.Clear();
        return items;
    }

    private static JsonArray ToArray(List<JsonNode?> items) => new([.. items]);

    private static void Refill(JsonArray list, List<JsonNode?> items)
    {
        foreach (var item in items)
            list.Add(item);
    }
}
