namespace K3s.ApiServer.Security;

/// <summary>Who a request is from: Kubernetes' user name and groups.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    public static readonly UserInfo Anonymous = new("system:anonymous", ["system:unauthenticated"]);
}
