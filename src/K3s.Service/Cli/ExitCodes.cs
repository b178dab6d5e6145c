namespace K3s.Service.Cli;

internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The command was understood but could not do its work (bad config file, not implemented).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong, as with the usual Unix convention.</summary>
    public const int Usage = 2;
}
