using System.Runtime.InteropServices;

namespace K3s.Service.Hosting;

/// <summary>
/// Hands start-up's transient memory back to the system once the server has settled: the initial lists the
/// controllers' informers decode, the OpenAPI documents' build, certificate and manifest work. Without this the
/// GC keeps those pages committed for the next allocations of a server that may stay idle for hours.
/// </summary>
internal static class StartupMemoryRelease
{
    public static async Task AfterAsync(TimeSpan settle, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(settle, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        // Aggressive: compact every generation and decommit what the GC holds beyond the live objects.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // A C library without malloc_trim (musl): its allocator keeps what it keeps.
        }
    }

    /// <summary>glibc keeps freed native memory (TLS buffers, SQLite's) in its arenas; this returns it.</summary>
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
