using System.Data.Common;

namespace K3s.Kine.Sql;

/// <summary>
/// A connection and the commands run on it. SQLite compiles a statement per command object, so a
/// session that is kept (SQLite's are pooled by their dialect) reuses its commands and prepares each
/// statement once. Other sessions make a command per use: Npgsql, for one, binds a reused command's
/// new parameters to its old positions, and prepares statements per connection itself.
/// </summary>
public sealed class SqlSession : IDisposable
{
    private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);
    private readonly List<DbCommand> used = [];
    private readonly bool reusesCommands;
    private readonly Action<SqlSession>? release;

    /// <param name="release">Takes the session back into a pool; null for a session closed on dispose.</param>
    internal SqlSession(DbConnection connection, bool reusesCommands, Action<SqlSession>? release)
    {
        Connection = connection;
        this.reusesCommands = reusesCommands;
        this.release = release;
    }

    public DbConnection Connection { get; }

    /// <summary>The command for <paramref name="sql"/>, with no parameters yet; owned by the session, not to be disposed.</summary>
    public DbCommand Command(DbTransaction? transaction, string sql)
    {
        if (!reusesCommands || !commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
            command.CommandText = sql;
            if (reusesCommands)
                commands[sql] = command;
            else
                used.Add(command);
        }
        command.Parameters.Clear();
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Gives the session back to its pool, or closes it.</summary>
    public void Dispose()
    {
        if (release is null)
            Close();
        else
            release(this);
    }

    internal void Close()
    {
        foreach (var command in commands.Values.Concat(used))
            command.Dispose();
        commands.Clear();
        used.Clear();
        Connection.Dispose();
    }
}
