using System.Text.Json.Nodes;

namespace K3s.ApiServer.Machinery;

/// <summary>A request the API refuses, answered as a metav1.Status with Kubernetes' reason and code.</summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public static ApiException NotFound(string resource, string name) =>
        new(404, "NotFound", $"{resource} \"{name}\" not found", DetailsOf(resource, name));

    public static ApiException AlreadyExists(string resource, string name) =>
        new(409, "AlreadyExists", $"{resource} \"{name}\" already exists", DetailsOf(resource, name));

    public static ApiException Conflict(string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {resource} \"{name}\": {why}", DetailsOf(resource, name));

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException Forbidden(string message) => new(403, "Forbidden", message);

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format ({contentType}) - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");

    public static ApiException TooLarge() => new(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");

    /// <summary>422 Invalid, with one cause per field, as kubectl prints them ("Invalid value").</summary>
    public static ApiException Invalid(string kind, string name, IReadOnlyList<(string Field, string Message)> causes)
    {
        var details = DetailsOf(kind, name);
        details["causes"] = new JsonArray(causes.Select(cause => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldValueInvalid",
            ["message"] = cause.Message,
            ["field"] = cause.Field,
        }).ToArray());
        var summary = string.Join(", ", causes.Select(cause => $"{cause.Field}: {cause.Message}"));
        return new ApiException(422, "Invalid", $"{kind} \"{name}\" is invalid: {summary}", details);
    }

    private static JsonObject DetailsOf(string kind, string name) => new() { ["name"] = name, ["kind"] = kind };

    public JsonObject ToStatus() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = Message,
        ["reason"] = Reason,
        ["details"] = Details?.DeepClone(),
        ["code"] = Code,
    };
}
