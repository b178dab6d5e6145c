using System.Globalization;
using System.Text.RegularExpressions;

namespace K3s.Kine.Sql;

public enum DatabaseKind
{
    Sqlite,
    Postgres,
    MySql,
}

/// <summary>
/// A <c>--datastore-endpoint</c> as k3s accepts it: empty (SQLite under the data dir),
/// <c>sqlite://PATH</c>, <c>postgres://user:pass@host:port/db?opts</c>, or
/// <c>mysql://user:pass@tcp(host:port)/db</c>.
/// </summary>
public sealed partial record DatastoreEndpoint(DatabaseKind Kind, string ConnectionString, string Database, string Display)
{
    /// <summary>kine's database name when the endpoint names none.</summary>
    public const string DefaultDatabase = "kubernetes";

    public static string DefaultSqlitePath(string dataDir) => Path.Combine(dataDir, "server", "db", "state.db");

    public static DatastoreEndpoint Parse(string? endpoint, string dataDir)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
            return Sqlite(DefaultSqlitePath(dataDir));
        if (endpoint.StartsWith("sqlite://", StringComparison.Ordinal))
            return Sqlite(StripQuery(endpoint["sqlite://".Length..]));
        if (endpoint.StartsWith("postgres://", StringComparison.Ordinal) || endpoint.StartsWith("postgresql://", StringComparison.Ordinal))
            return Postgres(endpoint);
        if (endpoint.StartsWith("mysql://", StringComparison.Ordinal))
            return MySql(endpoint);
        throw new FormatException($"unsupported datastore endpoint '{endpoint}': expected sqlite://, postgres:// or mysql://");
    }

    private static string StripQuery(string text) => text.Split('?', 2)[0];

    private static DatastoreEndpoint Sqlite(string path) =>
        new(DatabaseKind.Sqlite, path, Path.GetFileName(path), $"sqlite://{path}");

    private static DatastoreEndpoint Postgres(string endpoint)
    {
        var uri = new Uri(endpoint);
        var (user, password) = UserInfo(uri.UserInfo);
        var database = uri.AbsolutePath.Trim('/');
        if (database.Length == 0)
            database = DefaultDatabase;
        var parts = new List<string>
        {
            $"Host={uri.Host}",
            $"Port={(uri.Port > 0 ? uri.Port : 5432)}",
            $"Database={database}",
            // The log's few statements run all the time: let Npgsql prepare them on each connection.
            "Max Auto Prepare=32",
        };
        if (user.Length > 0)
            parts.Add($"Username={user}");
        if (password.Length > 0)
            parts.Add($"Password={password}");
        foreach (var (key, value) in Query(uri.Query))
        {
            if (key == "sslmode")
                parts.Add($"SSL Mode={SslMode(value)}");
        }
        return new DatastoreEndpoint(DatabaseKind.Postgres, string.Join(';', parts), database, Redact(endpoint));
    }

    private static DatastoreEndpoint MySql(string endpoint)
    {
        // The Go driver's DSN form, which k3s documents: user:pass@tcp(host:port)/db
        var match = MySqlDsn().Match(endpoint["mysql://".Length..]);
        if (!match.Success)
            throw new FormatException($"invalid mysql endpoint '{Redact(endpoint)}': expected mysql://user:pass@tcp(host:port)/database");
        var (user, password) = UserInfo(match.Groups["user"].Value);
        var database = match.Groups["db"].Value;
        if (database.Length == 0)
            database = DefaultDatabase;
        var host = match.Groups["host"].Value;
        var port = match.Groups["port"].Success ? int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture) : 3306;
        var parts = new List<string> { $"Server={host}", $"Port={port}", $"Database={database}", "AllowUserVariables=true" };
        if (user.Length > 0)
            parts.Add($"User ID={user}");
        if (password.Length > 0)
            parts.Add($"Password={password}");
        return new DatastoreEndpoint(DatabaseKind.MySql, string.Join(';', parts), database, Redact(endpoint));
    }

    [GeneratedRegex(@"^(?:(?<user>[^@]*)@)?(?:tcp\((?<host>[^:)]+)(?::(?<port>\d+))?\))?/(?<db>[^?]*)(?:\?.*)?$")]
    private static partial Regex MySqlDsn();

    private static (string User, string Password) UserInfo(string userInfo)
    {
        var parts = userInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }

    private static IEnumerable<(string Key, string Value)> Query(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => (pair[0], pair.Length > 1 ? Uri.UnescapeDataString(pair[1]) : ""));

    private static string SslMode(string libpqMode) => libpqMode switch
    {
        "disable" => "Disable",
        "allow" => "Allow",
        "prefer" => "Prefer",
        "require" => "Require",
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => throw new FormatException($"unknown sslmode '{libpqMode}'"),
    };

    /// <summary>Endpoints carry passwords: never show them.</summary>
    private static string Redact(string endpoint) => PasswordInUrl().Replace(endpoint, "$1:***@");

    [GeneratedRegex(@"^([a-z]+://[^:/@]*):[^@/]*@")]
    private static partial Regex PasswordInUrl();

    public override string ToString() => Display;
}
