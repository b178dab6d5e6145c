using K3s.Kine.Sql;
using Microsoft.Data.Sqlite;

namespace K3s.Kine.Tests.Datastore;

/// <summary>A file that is not a usable kine database is refused with its name, and left as it was.</summary>
public sealed class BadDatabaseFileTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    private string Path => System.IO.Path.Combine(directory.Path, "state.db");

    private async Task<DatastoreException> RefusedAsync()
    {
        var before = await File.ReadAllBytesAsync(Path);
        var error = await Assert.ThrowsAsync<DatastoreException>(() =>
            KineStore.OpenAsync(DatastoreEndpoint.Parse("sqlite://" + Path, directory.Path)));
        Assert.Contains(Path, error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(Path));
        return error;
    }

    [Fact]
    public async Task A_file_that_is_not_sqlite_is_refused()
    {
        await File.WriteAllTextAsync(Path, "these are my notes, not a database\n");

        var error = await RefusedAsync();

        Assert.Contains("not a SQLite database", error.Message);
    }

    [Fact]
    public async Task A_sqlite_database_of_another_application_is_refused()
    {
        using (var connection = new SqliteConnection($"Data Source={Path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers(name) VALUES('x')";
            create.ExecuteNonQuery();
        }

        var error = await RefusedAsync();

        Assert.Contains("not a kine database", error.Message);
        Assert.Contains("customers", error.Message);
    }

    [Fact]
    public async Task A_truncated_kine_database_is_refused()
    {
        var rows = Enumerable.Range(1, 3000)
            .Select(i => new KineSqliteDatabase.Row(i, $"/registry/k{i}", 1, 0, 0, 0, 0, new byte[200], null));
        KineSqliteDatabase.Create(Path, rows);
        using (var connection = new SqliteConnection($"Data Source={Path};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE";
            checkpoint.ExecuteNonQuery();
        }
        await using (var file = new FileStream(Path, FileMode.Open))
            file.SetLength(file.Length / 2);

        var error = await RefusedAsync();

        Assert.Contains("corrupt", error.Message);
    }

    public void Dispose() => directory.Dispose();
}
