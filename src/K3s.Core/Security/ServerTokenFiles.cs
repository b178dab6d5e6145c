namespace K3s.Core.Security;

/// <summary>
/// The server's join tokens as k3s keeps them: <c>DATA-DIR/server/token</c> and <c>node-token</c>
/// beside it (0600), each a full K10 token for the cluster's server CA. The password is made once
/// and kept across restarts; a token given by the user sets it instead.
/// </summary>
public static class ServerTokenFiles
{
    public static string TokenPath(string serverDir) => Path.Combine(serverDir, "token");

    public static string NodeTokenPath(string serverDir) => Path.Combine(serverDir, "node-token");

    /// <summary>The token's password: the given token's, else the one a previous start kept, else a new one.</summary>
    /// <param name="given">The --token value (a K10 token or a bare password), or empty.</param>
    /// <exception cref="FormatException">The given token or the stored file is malformed.</exception>
    public static string PasswordFor(string serverDir, string given) =>
        given.Trim().Length > 0 ? JoinToken.Parse(given).Password : StoredPassword(serverDir) ?? JoinToken.NewPassword();

    /// <summary>Writes both files for the cluster's CA and the password, and returns the token.</summary>
    /// <param name="given">The --token value, whose CA hash, if it has one, must be this CA's.</param>
    /// <exception cref="FormatException">The given token pins another CA.</exception>
    public static string Ensure(string serverDir, string caPem, string given, string password)
    {
        if (given.Trim().Length > 0 && !JoinToken.Parse(given).Trusts(caPem))
            throw new FormatException("the token's CA hash does not match this server's CA (server/tls/server-ca.crt)");
        var token = JoinToken.Format(caPem, password);
        Write(TokenPath(serverDir), token);
        Write(NodeTokenPath(serverDir), token);
        return token;
    }

    /// <summary>
    /// The password of the token file a previous start wrote. A damaged file stops the start rather
    /// than being replaced: agents that joined with the old token would be locked out.
    /// </summary>
    private static string? StoredPassword(string serverDir)
    {
        var path = TokenPath(serverDir);
        if (!File.Exists(path))
            return null;
        try
        {
            return JoinToken.Parse(File.ReadAllText(path)).Password;
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}; fix it, or pass --token", e);
        }
    }

    private static void Write(string path, string token)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        // Created 0600 before the secret goes in, then renamed over the old file.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(token + "\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, path, overwrite: true);
    }
}
