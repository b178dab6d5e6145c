using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace K3s.Core.Datastore;

/// <summary>
/// Picks the SQLite library. On Linux the system's libsqlite3 syncs a commit with fdatasync, where
/// the library bundled with Microsoft.Data.Sqlite calls fsync, which also flushes the file's times:
/// every write waits for that flush, so the system's library takes a write in about half the time.
/// Elsewhere, or without libsqlite3, the bundled library is used; inside a PowerShell module it is
/// found in the module's runtimes/RID/native folder, which the host does not search.
/// The choice is global to the process: make it before any SQLite connection is opened.
/// </summary>
public static class SqliteLibrary
{
    private const string SystemLibrary = "libsqlite3.so.0";

    private static readonly Lazy<string> Chosen = new(Choose);

    /// <summary>Which library is in use ("system libsqlite3 3.40.1" or "bundled e_sqlite3 …").</summary>
    public static string Name => Chosen.Value;

    public static void Initialize() => _ = Chosen.Value;

    private static string Choose()
    {
        FindBundledLibraryBesideThisAssembly();
        // Microsoft.Data.Sqlite installs its bundled library when SqliteConnection is first touched:
        // let it do so first, so that the choice below is the last word.
        RuntimeHelpers.RunClassConstructor(typeof(SqliteConnection).TypeHandle);
        if (OperatingSystem.IsLinux() && NativeLibrary.TryLoad(SystemLibrary, out var handle))
        {
            var provider = typeof(SQLitePCL.SQLite3Provider_sqlite3).Assembly;
            NativeLibrary.SetDllImportResolver(provider, (name, _, _) => name == "sqlite3" ? handle : IntPtr.Zero);
            SQLitePCL.raw.SetProvider(new SQLitePCL.SQLite3Provider_sqlite3());
            return $"system libsqlite3 {SQLitePCL.raw.sqlite3_libversion().utf8_to_string()}";
        }
        return $"bundled e_sqlite3 {SQLitePCL.raw.sqlite3_libversion().utf8_to_string()}";
    }

    private static void FindBundledLibraryBesideThisAssembly()
    {
        var provider = typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly;
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var file = OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so";
        var rid = $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        var beside = Path.Combine(Path.GetDirectoryName(provider.Location) ?? "", "runtimes", rid, "native", file);
        try
        {
            NativeLibrary.SetDllImportResolver(provider, (name, assembly, searchPath) =>
                NativeLibrary.TryLoad(name, assembly, searchPath, out var handle) || NativeLibrary.TryLoad(beside, out handle) ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set for it: that one decides.
        }
    }
}
