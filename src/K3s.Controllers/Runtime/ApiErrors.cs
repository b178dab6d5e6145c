using System.Net;
using k8s.Autorest;

namespace K3s.Controllers.Runtime;

/// <summary>Recognises API answers a controller treats as outcomes rather than failures.</summary>
public static class ApiErrors
{
    /// <summary>How soon to look again at an object whose write lost a race with another writer.</summary>
    public static readonly TimeSpan ConflictRetry = TimeSpan.FromMilliseconds(100);

    public static bool IsNotFound(Exception e) =>
        e is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound } or ApiCallException { Status: HttpStatusCode.NotFound };

    /// <summary>The object a read returns, or null if there is none (it went, or never was).</summary>
    public static async Task<T?> NullIfNotFoundAsync<T>(Task<T> read) where T : class
    {
        try
        {
            return await read;
        }
        catch (Exception e) when (IsNotFound(e))
        {
            return null;
        }
    }

    public static bool IsConflict(Exception e) =>
        e is HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict } or ApiCallException { Status: HttpStatusCode.Conflict };
}
