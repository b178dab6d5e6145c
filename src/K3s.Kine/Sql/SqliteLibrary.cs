using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace K3s.Kine.Sql;

/// <summary>
/// Picks the SQLite library. On Linux the system's libsqlite3 syncs a commit with fdatasync, where
/// the library bundled with Microsoft.Data.Sqlite calls fsync, which also flushes the file's times:
/// every write waits for that flush, so the system's library takes a write in about half the time.
/// Elsewhere, or without libsqlite3, the bundled library is used.
/// </summary>
internal static class SqliteLibrary
{
    private const string SystemLibrary = "libsqlite3.so.0";

    private static readonly Lazy<string> Chosen = new(Choose);

    /// <summary>Which library is in use ("system libsqlite3 3.40.1" or "bundled e_sqlite3 …").</summary>
    public static string Name => Chosen.Value;

    public static void Initialize() => _ = Chosen.Value;

    private static string Choose()
    {
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
}
