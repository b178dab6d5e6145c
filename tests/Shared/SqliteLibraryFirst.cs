using System.Runtime.CompilerServices;

namespace K3s.Tests;

/// <summary>
/// Picks the SQLite library before any test opens a connection: switching it later, while tests that
/// run in parallel hold connections of the other library, would crash the test host.
/// </summary>
internal static class SqliteLibraryFirst
{
#pragma warning disable CA2255 // A test assembly is the application here: it must run before any test.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => K3s.Core.Datastore.SqliteLibrary.Initialize();
}
